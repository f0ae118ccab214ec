package io.adaptstream.model;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Decodes an encoded image and resizes it to the model's square input, as channel-first floats in [-1, 1].
 *
 * <p>The resize is written out here rather than done with Java2D because the exact pixel values must not
 * depend on the JDK's rendering pipeline (checkpoint round trips and deterministic mode compare bits). It is
 * PyTorch's {@code interpolate(mode="bilinear", align_corners=False)} without antialiasing: half-pixel centres,
 * edge pixels clamped.
 */
final class ImagePixels {

  private ImagePixels() {}

  /** {@code 3 × size × size} floats (R plane, G plane, B plane); alpha is ignored. */
  static float[] decode(byte[] encoded, int size) throws IOException {
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(encoded));
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot decode image (" + encoded.length + " bytes): " + e.getMessage(), e);
    }
    if (image == null) {
      throw new IOException("not a PNG or JPEG image (" + encoded.length + " bytes)");
    }
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    return resize(argb, w, h, size);
  }

  /** Bilinear resize of packed ARGB pixels to {@code size × size}, channel-first, scaled to [-1, 1]. */
  static float[] resize(int[] argb, int w, int h, int size) {
    float[] out = new float[3 * size * size];
    int plane = size * size;
    int[] x0 = new int[size];
    int[] x1 = new int[size];
    float[] fx = new float[size];
    axis(w, size, x0, x1, fx);
    int[] y0 = new int[size];
    int[] y1 = new int[size];
    float[] fy = new float[size];
    axis(h, size, y0, y1, fy);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int p00 = argb[y0[y] * w + x0[x]];
        int p01 = argb[y0[y] * w + x1[x]];
        int p10 = argb[y1[y] * w + x0[x]];
        int p11 = argb[y1[y] * w + x1[x]];
        for (int c = 0; c < 3; c++) {
          int shift = 16 - 8 * c;
          float top = lerp((p00 >> shift) & 0xFF, (p01 >> shift) & 0xFF, fx[x]);
          float bottom = lerp((p10 >> shift) & 0xFF, (p11 >> shift) & 0xFF, fx[x]);
          float v = lerp(top, bottom, fy[y]);
          out[c * plane + y * size + x] = v / 127.5f - 1f;
        }
      }
    }
    return out;
  }

  private static void axis(int in, int out, int[] lo, int[] hi, float[] frac) {
    double scale = (double) in / out;
    for (int i = 0; i < out; i++) {
      double src = Math.max(0.0, (i + 0.5) * scale - 0.5);
      int l = Math.min((int) Math.floor(src), in - 1);
      lo[i] = l;
      hi[i] = Math.min(l + 1, in - 1);
      frac[i] = (float) (src - l);
    }
  }

  private static float lerp(float a, float b, float t) {
    return a + (b - a) * t;
  }
}
