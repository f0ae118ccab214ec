package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelConfigTest {

  @Test
  void shouldRoundTripThroughJson() {
    // given
    ModelConfig config = ModelConfig.cpu().withMaxTextTokens(96).withProjectionSeed(42);

    // when
    ModelConfig back = ModelConfig.fromJson(config.toJson());

    // then
    assertThat(back).isEqualTo(config);
    assertThat(config.toJson()).contains("\"sketchDim\":256", "\"projectionSeed\":42");
  }

  @Test
  void shouldOfferValidPresetsWithAMiddleSketchLayer() {
    // given / when
    ModelConfig cpu = ModelConfig.cpu();
    ModelConfig gpu = ModelConfig.gpu();

    // then
    assertThat(cpu.tokensPerImage()).isEqualTo(16);
    assertThat(cpu.sketchLayer()).isEqualTo(cpu.layers() / 2);
    assertThat(cpu.sketchSide()).isEqualTo(16);
    assertThat(gpu.dModel()).isGreaterThan(cpu.dModel());
    assertThat(gpu.sketchLayer()).isEqualTo(gpu.layers() / 2);
  }

  @Test
  void shouldRefuseJsonWithAMissingField() {
    // given
    String json = ModelConfig.cpu().toJson().replace("\"heads\":4,", "");

    // when / then
    assertThatThrownBy(() -> ModelConfig.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("heads");
  }

  @Test
  void shouldRefuseInconsistentArchitectures() {
    assertThatThrownBy(() -> new ModelConfig(30, 16, 8, 2, 64, 2, 2, 128, 48, 1, 64, 1))
        .hasMessageContaining("multiple of patchSize");
    assertThatThrownBy(() -> new ModelConfig(32, 16, 8, 2, 64, 2, 3, 128, 48, 1, 64, 1))
        .hasMessageContaining("multiple of heads");
    assertThatThrownBy(() -> new ModelConfig(32, 16, 8, 2, 64, 2, 2, 128, 48, 2, 64, 1))
        .hasMessageContaining("sketchLayer");
    assertThatThrownBy(() -> new ModelConfig(32, 16, 8, 2, 64, 2, 2, 128, 48, 1, 60, 1))
        .hasMessageContaining("perfect square");
    assertThatThrownBy(() -> ModelConfig.fromJson(ModelConfig.cpu().toJson().replace("\"layers\":4", "\"layers\":0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layers");
  }
}
