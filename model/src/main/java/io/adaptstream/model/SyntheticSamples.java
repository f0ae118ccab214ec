package io.adaptstream.model;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A small seeded visual world for this module's tests and {@link ModelBenchmark}: noisy grey images with one
 * coloured square in a quadrant; questions about its colour or position, a one-sentence description, a
 * two-image comparison, text-only arithmetic, and a label-noise variant that names the wrong colour.
 *
 * <p>It exists so the model can be tested and measured on its own; the project's benchmark releases come from
 * the {@code benchmark} module.
 */
final class SyntheticSamples {

  static final String[] COLOURS = {"red", "green", "blue", "yellow"};
  static final int[] RGB = {0xE02020, 0x20C020, 0x2040E0, 0xE0E020};
  static final String[] PLACES = {"top left", "top right", "bottom left", "bottom right"};

  private final Random random;
  private int counter;

  SyntheticSamples(long seed) {
    this.random = new Random(seed);
  }

  /** A tiny architecture (≈170 k parameters) for fast tests. */
  static ModelConfig tinyConfig() {
    return new ModelConfig(32, 16, 8, 2, 64, 2, 2, 128, 48, 1, 64, 99L);
  }

  /** A PNG of {@code size}²: grey noise with a coloured square in quadrant {@code place}. */
  byte[] image(int colour, int place, int size) {
    BufferedImage im = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int g = 90 + random.nextInt(40);
        im.setRGB(x, y, (g << 16) | (g << 8) | g);
      }
    }
    int half = size / 2;
    int side = Math.max(2, size * 3 / 8);
    int x0 = (place % 2) * half + (half - side) / 2;
    int y0 = (place / 2) * half + (half - side) / 2;
    for (int y = y0; y < y0 + side; y++) {
      for (int x = x0; x < x0 + side; x++) {
        im.setRGB(x, y, RGB[colour]);
      }
    }
    return png(im);
  }

  static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Example colour() {
    return colour(false);
  }

  /** "What colour is the square?" answered with its colour, or ({@code wrongLabel}) another colour. */
  Example colour(boolean wrongLabel) {
    int c = random.nextInt(COLOURS.length);
    int p = random.nextInt(PLACES.length);
    int label = wrongLabel ? (c + 1 + random.nextInt(COLOURS.length - 1)) % COLOURS.length : c;
    return Example.of((wrongLabel ? "noisy-" : "colour-") + counter++, "<image>\nWhat colour is the square?",
        COLOURS[label], List.of(image(c, p, 32)), "colour");
  }

  Example position() {
    int c = random.nextInt(COLOURS.length);
    int p = random.nextInt(PLACES.length);
    return Example.of("position-" + counter++, "<image>\nWhere is the square?", PLACES[p],
        List.of(image(c, p, 32)), "position");
  }

  /** A longer answer (about 60 bytes) from a larger source image. */
  Example describe() {
    int c = random.nextInt(COLOURS.length);
    int p = random.nextInt(PLACES.length);
    return Example.of("describe-" + counter++, "<image>\nDescribe the picture in one sentence.",
        "A " + COLOURS[c] + " square sits in the " + PLACES[p] + " corner of a grey noisy image.",
        List.of(image(c, p, 48)), "describe");
  }

  /** Two images; which one shows a square of the named colour. */
  Example compare() {
    int a = random.nextInt(COLOURS.length);
    int b = (a + 1 + random.nextInt(COLOURS.length - 1)) % COLOURS.length;
    boolean first = random.nextBoolean();
    int asked = first ? a : b;
    return Example.of("compare-" + counter++,
        "<image>\n<image>\nWhich image shows the " + COLOURS[asked] + " square?", first ? "the first" : "the second",
        List.of(image(a, random.nextInt(4), 32), image(b, random.nextInt(4), 32)), "compare");
  }

  /** Three images; which one shows a square of the named colour. */
  Example threeImages() {
    int first = random.nextInt(COLOURS.length);
    int[] colours = {first, (first + 1) % COLOURS.length, (first + 2) % COLOURS.length};
    int asked = random.nextInt(3);
    return Example.of("three-" + counter++, "<image>\n<image>\n<image>\nWhich image shows the "
            + COLOURS[colours[asked]] + " square?", new String[] {"the first", "the second", "the third"}[asked],
        List.of(image(colours[0], random.nextInt(4), 32), image(colours[1], random.nextInt(4), 32),
            image(colours[2], random.nextInt(4), 32)), "three");
  }

  /** A long caption (about 80–90 bytes). */
  Example caption() {
    int c = random.nextInt(COLOURS.length);
    int p = random.nextInt(PLACES.length);
    return Example.of("caption-" + counter++, "<image>\nWrite a caption for this picture.",
        "A small " + COLOURS[c] + " square sits alone in the " + PLACES[p]
            + " corner of a grey image full of fine noise.", List.of(image(c, p, 32)), "caption");
  }

  /**
   * A test set shaped like the pipeline's: mostly short answers (1–12 bytes), about one in seven a 60–90-byte
   * description or caption, 0 to 3 images.
   */
  List<Example> evaluation(int n) {
    List<Example> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(switch (i % 14) {
        case 0, 1, 2 -> colour();
        case 3, 4, 5 -> position();
        case 6, 7, 8 -> text();
        case 9, 10 -> compare();
        case 11 -> threeImages();
        case 12 -> describe();
        default -> caption();
      });
    }
    return out;
  }

  /** Text only: single-digit addition. */
  Example text() {
    int a = random.nextInt(5);
    int b = random.nextInt(5);
    return Example.of("text-" + counter++, "What is " + a + " plus " + b + "?", Integer.toString(a + b), List.of(),
        "text");
  }

  /** Colour, position and text questions in turn. */
  List<Example> mixed(int n) {
    List<Example> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(switch (i % 3) {
        case 0 -> colour();
        case 1 -> position();
        default -> text();
      });
    }
    return out;
  }

  /** All kinds in turn (the benchmark's mix: short and long answers, zero to two images). */
  List<Example> varied(int n) {
    List<Example> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(switch (i % 5) {
        case 0 -> colour();
        case 1 -> position();
        case 2 -> describe();
        case 3 -> compare();
        default -> text();
      });
    }
    return out;
  }
}
