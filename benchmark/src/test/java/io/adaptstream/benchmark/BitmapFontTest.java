package io.adaptstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BitmapFontTest {

  private static final String CHARS = "0123456789+ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  @Test
  void shouldGiveEveryCharacterADistinctGlyph() {
    Set<String> patterns = new HashSet<>();
    for (char c : CHARS.toCharArray()) {
      StringBuilder pattern = new StringBuilder();
      for (int y = 0; y < BitmapFont.HEIGHT; y++) {
        for (int x = 0; x < BitmapFont.WIDTH; x++) {
          pattern.append(BitmapFont.ink(c, x, y) ? '#' : '.');
        }
      }
      assertThat(patterns.add(pattern.toString())).as("glyph of " + c).isTrue();
    }
    assertThat(patterns).hasSize(CHARS.length());
  }

  @Test
  void shouldDrawDigitsPixelForPixelFromTheBitmapAtBothScales() {
    for (int scale = 1; scale <= 2; scale++) {
      Visual.TextImage text = new Visual.TextImage(30, "8", 3, 4, scale, Colour.WHITE);
      int[] pixels = Renderer.pixels(text, 99);
      for (int y = 0; y < Renderer.SIDE; y++) {
        for (int x = 0; x < Renderer.SIDE; x++) {
          int gx = x - 3;
          int gy = y - 4;
          boolean expected = gx >= 0 && gy >= 0 && gx < BitmapFont.WIDTH * scale && gy < BitmapFont.HEIGHT * scale
              && BitmapFont.ink('8', gx / scale, gy / scale);
          int green = (pixels[y * Renderer.SIDE + x] >> 8) & 0xff;
          assertThat(green > 120).as("pixel " + x + "," + y + " at scale " + scale).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void shouldReadBackEveryDigitSequenceItRenders() {
    for (String number : new String[] {"0", "17", "1234", "5678", "90+11", "JAZZ", "QUIT"}) {
      Visual.TextImage text = new Visual.TextImage(40, number, 1, 2, 1, Colour.BLUE);
      BufferedImage image = new BufferedImage(Renderer.SIDE, Renderer.SIDE, BufferedImage.TYPE_INT_RGB);
      image.setRGB(0, 0, Renderer.SIDE, Renderer.SIDE, Renderer.pixels(text, 3), 0, Renderer.SIDE);

      assertThat(BitmapTextReader.read(image)).contains(number);
    }
  }
}
