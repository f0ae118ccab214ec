package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImagePixelsTest {

  @Test
  void shouldResizeOddSizesToTheModelInput() throws Exception {
    // given: a 17×9 image, left half red, right half blue
    BufferedImage image = new BufferedImage(17, 9, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 9; y++) {
      for (int x = 0; x < 17; x++) {
        image.setRGB(x, y, x < 8 ? 0xFF0000 : 0x0000FF);
      }
    }

    // when
    float[] pixels = ImagePixels.decode(SyntheticSamples.png(image), 32);

    // then: 3 planes of 32×32 in [-1, 1]; far left red, far right blue
    assertThat(pixels).hasSize(3 * 32 * 32);
    for (float v : pixels) {
      assertThat(v).isBetween(-1f, 1f);
    }
    assertThat(pixels[0]).isCloseTo(1f, within(1e-6f)); // R at (0,0)
    assertThat(pixels[2 * 1024]).isCloseTo(-1f, within(1e-6f)); // B at (0,0)
    assertThat(pixels[31]).isCloseTo(-1f, within(1e-6f)); // R at (0,31)
    assertThat(pixels[2 * 1024 + 31]).isCloseTo(1f, within(1e-6f)); // B at (0,31)
  }

  @Test
  void shouldKeepPixelsExactlyWhenTheSizeAlreadyMatches() {
    // given
    int[] argb = new int[4 * 4];
    for (int i = 0; i < argb.length; i++) {
      argb[i] = (i * 16) << 8; // green ramp
    }

    // when
    float[] pixels = ImagePixels.resize(argb, 4, 4, 4);

    // then
    for (int i = 0; i < 16; i++) {
      assertThat(pixels[16 + i]).isEqualTo(i * 16 / 127.5f - 1f);
    }
  }

  @Test
  void shouldInterpolateBilinearlyWhenUpscaling() {
    // given: two pixels, black and white
    int[] argb = {0x000000, 0xFFFFFF};

    // when: 2 → 4 wide (PyTorch align_corners=False: sources 0, 0.25, 0.75, 1 after clamping)
    float[] pixels = ImagePixels.resize(argb, 2, 1, 4);

    // then
    float[] row = {pixels[0], pixels[1], pixels[2], pixels[3]};
    assertThat(row[0]).isEqualTo(-1f);
    assertThat(row[1]).isCloseTo(0.25f * 2 - 1, within(1e-6f));
    assertThat(row[2]).isCloseTo(0.75f * 2 - 1, within(1e-6f));
    assertThat(row[3]).isEqualTo(1f);
  }
}
