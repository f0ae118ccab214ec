package io.adaptstream.ingest;

import io.adaptstream.blob.Sha256;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Checks one image path of a sample: it stays inside the image root, exists, is a PNG or JPEG by its magic
 * bytes, is within the size limits, and decodes completely.
 *
 * <p>Dimensions are read from the header first ({@link ImageReader#getWidth}), so an image with huge declared
 * dimensions is refused before anything is allocated for it. The full decode that follows is subsampled to
 * about one megapixel: every compressed byte is still decoded (so truncation and corruption are caught) but the
 * decoded raster stays small. Decoder warnings (a JPEG reader fills a truncated image with grey and only warns)
 * count as corruption.
 */
final class ImageInspector {

  static final String PNG = "image/png";
  static final String JPEG = "image/jpeg";

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
  private static final Pattern WINDOWS_DRIVE = Pattern.compile("^[A-Za-z]:.*");
  private static final long VERIFY_PIXELS = 1L << 20;

  private final Path root;
  private final Path realRoot;
  private final ValidationLimits limits;

  ImageInspector(Path root, ValidationLimits limits) {
    this.root = root.toAbsolutePath().normalize();
    this.limits = limits;
    Path real;
    try {
      real = this.root.toRealPath();
    } catch (IOException e) {
      real = null; // every image will be missing
    }
    this.realRoot = real;
  }

  /** The checked image, or an {@link EntryParser.Invalid} with the first failed check. */
  InspectedImage inspect(String relative) {
    Path file = resolveInside(relative);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new EntryParser.Invalid(Reason.MISSING_IMAGE, "cannot read " + relative + ": " + e.getMessage());
    }
    if (size > limits.maxImageBytes()) {
      throw new EntryParser.Invalid(Reason.IMAGE_TOO_LARGE,
          relative + " is " + size + " bytes, at most " + limits.maxImageBytes() + " allowed");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new EntryParser.Invalid(Reason.MISSING_IMAGE, "cannot read " + relative + ": " + e.getMessage());
    }
    String mediaType = mediaType(bytes, relative);
    int[] dims = decode(bytes, mediaType, relative);
    return new InspectedImage(file, Sha256.hex(bytes), dims[0], dims[1], mediaType);
  }

  /** Resolves a path relative to the root, refusing anything that leaves it. */
  Path resolveInside(String relative) {
    if (relative.indexOf('\0') >= 0) {
      throw new EntryParser.Invalid(Reason.PATH_ESCAPE, "image path contains a NUL character");
    }
    if (relative.startsWith("/") || relative.startsWith("\\") || WINDOWS_DRIVE.matcher(relative).matches()) {
      throw new EntryParser.Invalid(Reason.PATH_ESCAPE, "absolute image path " + EntryParser.clip(relative));
    }
    for (String segment : relative.split("[/\\\\]")) {
      if (segment.equals("..")) {
        throw new EntryParser.Invalid(Reason.PATH_ESCAPE, "image path " + EntryParser.clip(relative)
            + " contains '..'");
      }
    }
    Path candidate;
    try {
      Path rel = Path.of(relative);
      if (rel.isAbsolute()) {
        throw new EntryParser.Invalid(Reason.PATH_ESCAPE, "absolute image path " + EntryParser.clip(relative));
      }
      candidate = root.resolve(rel).normalize();
    } catch (InvalidPathException e) {
      throw new EntryParser.Invalid(Reason.BAD_FIELD, "invalid image path " + EntryParser.clip(relative) + ": "
          + e.getReason());
    }
    if (!candidate.startsWith(root)) {
      throw new EntryParser.Invalid(Reason.PATH_ESCAPE, "image path " + EntryParser.clip(relative)
          + " leaves the image root");
    }
    if (realRoot == null) {
      throw new EntryParser.Invalid(Reason.MISSING_IMAGE, "the image root " + root + " does not exist");
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      throw new EntryParser.Invalid(Reason.MISSING_IMAGE, EntryParser.clip(relative) + " does not exist");
    } catch (IOException e) {
      throw new EntryParser.Invalid(Reason.MISSING_IMAGE, "cannot resolve " + EntryParser.clip(relative) + ": "
          + e.getMessage());
    }
    if (!real.startsWith(realRoot)) {
      throw new EntryParser.Invalid(Reason.PATH_ESCAPE, "image path " + EntryParser.clip(relative)
          + " resolves outside the image root (through a symbolic link)");
    }
    if (!Files.isRegularFile(real)) {
      throw new EntryParser.Invalid(Reason.MISSING_IMAGE, EntryParser.clip(relative) + " is not a regular file");
    }
    return real;
  }

  private static String mediaType(byte[] bytes, String relative) {
    if (startsWith(bytes, PNG_MAGIC)) {
      return PNG;
    }
    if (startsWith(bytes, JPEG_MAGIC)) {
      return JPEG;
    }
    if (bytes.length < 8) {
      throw new EntryParser.Invalid(Reason.CORRUPT_IMAGE, relative + " has only " + bytes.length + " bytes");
    }
    throw new EntryParser.Invalid(Reason.UNSUPPORTED_IMAGE_FORMAT, relative + " is not a PNG or JPEG image"
        + knownFormat(bytes));
  }

  /** Returns {width, height}. */
  private int[] decode(byte[] bytes, String mediaType, String relative) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(mediaType);
    if (!readers.hasNext()) {
      throw new IllegalStateException("this JVM has no ImageIO reader for " + mediaType);
    }
    ImageReader reader = readers.next();
    List<String> warnings = new ArrayList<>();
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      if (width <= 0 || height <= 0) {
        throw new EntryParser.Invalid(Reason.CORRUPT_IMAGE, relative + " declares " + width + "x" + height + " pixels");
      }
      if (Math.max(width, height) > limits.maxImageSide()) {
        throw new EntryParser.Invalid(Reason.IMAGE_TOO_LARGE, relative + " is " + width + "x" + height
            + ", sides of at most " + limits.maxImageSide() + " allowed");
      }
      long pixels = (long) width * height;
      if (pixels > limits.maxImagePixels()) {
        throw new EntryParser.Invalid(Reason.IMAGE_TOO_LARGE, relative + " has " + pixels + " pixels, at most "
            + limits.maxImagePixels() + " allowed");
      }
      ImageReadParam param = reader.getDefaultReadParam();
      int step = (int) Math.ceil(Math.sqrt((double) pixels / VERIFY_PIXELS));
      if (step > 1) {
        param.setSourceSubsampling(step, step, 0, 0);
      }
      BufferedImage image = reader.read(0, param);
      if (image == null) {
        throw new EntryParser.Invalid(Reason.CORRUPT_IMAGE, relative + " decodes to nothing");
      }
      if (!warnings.isEmpty()) {
        throw new EntryParser.Invalid(Reason.CORRUPT_IMAGE, relative + ": " + warnings.get(0));
      }
      return new int[] {width, height};
    } catch (EntryParser.Invalid e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new EntryParser.Invalid(Reason.CORRUPT_IMAGE, relative + " cannot be decoded: " + e.getMessage());
    } finally {
      reader.dispose();
    }
  }

  private static boolean startsWith(byte[] bytes, byte[] magic) {
    if (bytes.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (bytes[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static String knownFormat(byte[] b) {
    if (b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
      return " (it is a GIF)";
    }
    if (b[0] == 'B' && b[1] == 'M') {
      return " (it is a BMP)";
    }
    if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E'
        && b[10] == 'B' && b[11] == 'P') {
      return " (it is a WebP)";
    }
    return "";
  }
}
