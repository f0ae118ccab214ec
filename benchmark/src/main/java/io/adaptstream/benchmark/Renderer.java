package io.adaptstream.benchmark;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Draws visuals into 32×32 RGB pixels and encodes them as PNG.
 *
 * <p>32×32 is exactly the model's input size, so what is drawn is what the model sees (no resampling blur).
 * Pixels are set one by one with integer arithmetic, never through Java2D, whose anti-aliasing and font
 * rendering may vary between JVMs. Every pixel gets uniform noise of ±{@value #NOISE} per channel from the
 * noise seed; near-duplicates are the same visual with another noise seed. Only {@link BufferedImage} and an
 * ImageIO writer are used, which need no display, and no JVM-wide ImageIO setting is changed.
 */
final class Renderer {

  static final int SIDE = 32;
  static final int GRID = 4;
  static final int CELL = SIDE / GRID;
  static final int NOISE = 8;

  private Renderer() {}

  /** Packed 0xRRGGBB pixels, row by row. */
  static int[] pixels(Visual visual, long noiseSeed) {
    int[][] base = new int[SIDE * SIDE][];
    int bg = visual.background();
    int[] background = {bg, bg, bg};
    for (int p = 0; p < base.length; p++) {
      base[p] = background;
    }
    if (visual instanceof Visual.ShapeScene scene) {
      for (SceneObject o : scene.objects()) {
        int cellPixels = o.span() * CELL;
        int side = cellPixels - 2; // one pixel of background around every object
        int x0 = o.col() * CELL + 1;
        int y0 = o.row() * CELL + 1;
        int[] rgb = {o.colour().r, o.colour().g, o.colour().b};
        for (int y = 0; y < side; y++) {
          for (int x = 0; x < side; x++) {
            if (o.shape().covers(x, y, side)) {
              base[(y0 + y) * SIDE + x0 + x] = rgb;
            }
          }
        }
      }
    } else if (visual instanceof Visual.TextImage text) {
      int[] rgb = {text.colour().r, text.colour().g, text.colour().b};
      int advance = (BitmapFont.WIDTH + BitmapFont.SPACING) * text.scale();
      for (int i = 0; i < text.text().length(); i++) {
        char c = text.text().charAt(i);
        for (int y = 0; y < BitmapFont.height(text.scale()); y++) {
          for (int x = 0; x < BitmapFont.WIDTH * text.scale(); x++) {
            if (BitmapFont.ink(c, x / text.scale(), y / text.scale())) {
              base[(text.y() + y) * SIDE + text.x() + i * advance + x] = rgb;
            }
          }
        }
      }
    }
    SplittableRandom noise = new SplittableRandom(noiseSeed);
    int[] out = new int[SIDE * SIDE];
    for (int p = 0; p < out.length; p++) {
      int r = clamp(base[p][0] + noise.nextInt(-NOISE, NOISE + 1));
      int g = clamp(base[p][1] + noise.nextInt(-NOISE, NOISE + 1));
      int b = clamp(base[p][2] + noise.nextInt(-NOISE, NOISE + 1));
      out[p] = (r << 16) | (g << 8) | b;
    }
    return out;
  }

  static byte[] png(Visual visual, long noiseSeed) {
    BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, SIDE, SIDE, pixels(visual, noiseSeed), 0, SIDE);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
    if (!writers.hasNext()) {
      throw new IllegalStateException("no PNG writer available");
    }
    ImageWriter writer = writers.next();
    // a memory-backed stream: no temporary files, whatever ImageIO's global cache setting is
    try (ImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(stream);
      writer.write(image);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
