package io.adaptstream.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Test data: small real images and LLaVA entries, all deterministic. */
final class Fixtures {

  static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /** A PNG of the given size filled with a seeded pattern. */
  static byte[] png(int width, int height, long seed) {
    return encode(image(width, height, seed), "png");
  }

  static byte[] jpeg(int width, int height, long seed) {
    return encode(image(width, height, seed), "jpeg");
  }

  static byte[] gif(int width, int height, long seed) {
    return encode(image(width, height, seed), "gif");
  }

  static byte[] truncated(byte[] image) {
    return Arrays.copyOf(image, image.length / 2);
  }

  static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code {"id":id,"image":image,"conversations":[human q, gpt a]}}, image omitted when null. */
  static ObjectNode sample(String id, String image, String question, String answer) {
    ObjectNode node = JSON.createObjectNode();
    if (id != null) {
      node.put("id", id);
    }
    if (image != null) {
      node.put("image", image);
    }
    ArrayNode conv = node.putArray("conversations");
    conv.addObject().put("from", "human").put("value", (image != null ? "<image>\n" : "") + question);
    conv.addObject().put("from", "gpt").put("value", answer);
    return node;
  }

  static ObjectNode multiImage(String id, List<String> images, String question, String answer) {
    ObjectNode node = JSON.createObjectNode().put("id", id);
    ArrayNode paths = node.putArray("images");
    images.forEach(paths::add);
    ArrayNode conv = node.putArray("conversations");
    conv.addObject().put("from", "human").put("value", "<image>".repeat(images.size()) + "\n" + question);
    conv.addObject().put("from", "gpt").put("value", answer);
    return node;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A LLaVA JSON array of the given raw entries (which need not be valid JSON). */
  static byte[] array(byte[]... entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(bytes("[\n"));
    for (int i = 0; i < entries.length; i++) {
      out.writeBytes(bytes("  "));
      out.writeBytes(entries[i]);
      out.writeBytes(bytes(i + 1 < entries.length ? ",\n" : "\n"));
    }
    out.writeBytes(bytes("]\n"));
    return out.toByteArray();
  }

  private static BufferedImage image(int width, int height, long seed) {
    Random random = new Random(seed);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int colour = random.nextInt(0xffffff);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, ((x / 4 + y / 4) % 2 == 0) ? colour : 0xffffff - colour);
      }
    }
    return img;
  }

  private static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
