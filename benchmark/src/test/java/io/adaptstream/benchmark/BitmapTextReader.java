package io.adaptstream.benchmark;

import java.awt.image.BufferedImage;
import java.util.Optional;

/**
 * Reads text back out of a rendered image by exact template matching against {@link BitmapFont}: if this
 * succeeds, the pixels hold exactly the font's glyphs (no system font, no anti-aliasing).
 */
final class BitmapTextReader {

  /** Any channel this bright is ink: backgrounds are at most 60 + noise, every palette colour has a channel ≥ 210. */
  private static final int INK = 120;

  private BitmapTextReader() {}

  static boolean ink(BufferedImage image, int x, int y) {
    int rgb = image.getRGB(x, y);
    return Math.max((rgb >> 16) & 0xff, Math.max((rgb >> 8) & 0xff, rgb & 0xff)) > INK;
  }

  static Optional<String> read(BufferedImage image) {
    int left = Integer.MAX_VALUE;
    int top = Integer.MAX_VALUE;
    int right = -1;
    int bottom = -1;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (ink(image, x, y)) {
          left = Math.min(left, x);
          top = Math.min(top, y);
          right = Math.max(right, x);
          bottom = Math.max(bottom, y);
        }
      }
    }
    if (right < 0 || (bottom - top + 1) % BitmapFont.HEIGHT != 0) {
      return Optional.empty();
    }
    int scale = (bottom - top + 1) / BitmapFont.HEIGHT;
    // the first glyph may have blank left columns ('1', 'I'): try the few possible origins
    for (int shift = 0; shift < BitmapFont.WIDTH * scale; shift++) {
      Optional<String> text = readAt(image, left - shift, top, right, scale);
      if (text.isPresent()) {
        return text;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> readAt(BufferedImage image, int x0, int y0, int right, int scale) {
    if (x0 < 0) {
      return Optional.empty();
    }
    int advance = (BitmapFont.WIDTH + BitmapFont.SPACING) * scale;
    StringBuilder text = new StringBuilder();
    for (int gx = x0; gx <= right; gx += advance) {
      Character match = null;
      for (char c : "0123456789+ABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray()) {
        if (matches(image, gx, y0, scale, c)) {
          match = c;
          break;
        }
      }
      if (match == null) {
        return Optional.empty();
      }
      text.append(match);
    }
    return Optional.of(text.toString());
  }

  private static boolean matches(BufferedImage image, int gx, int gy, int scale, char c) {
    for (int y = 0; y < BitmapFont.HEIGHT * scale; y++) {
      for (int x = 0; x < BitmapFont.WIDTH * scale; x++) {
        int px = gx + x;
        int py = gy + y;
        boolean expected = BitmapFont.ink(c, x / scale, y / scale);
        boolean actual = px < image.getWidth() && py < image.getHeight() && ink(image, px, py);
        if (expected != actual) {
          return false;
        }
      }
    }
    return true;
  }
}
