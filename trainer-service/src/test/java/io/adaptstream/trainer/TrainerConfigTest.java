package io.adaptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.model.ComputeDevice;
import io.adaptstream.model.ModelConfig;
import io.adaptstream.model.TrainOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TrainerConfigTest {

  private static Map<String, String> minimal() {
    Map<String, String> m = new HashMap<>();
    m.put("bootstrap.servers", "localhost:9092");
    m.put("schema.registry.url", "http://localhost:8081");
    m.put("blob.store", "/tmp/blobs");
    return m;
  }

  private static TrainerConfig with(String key, String value) {
    Map<String, String> m = minimal();
    m.put(key, value);
    return new TrainerConfig(m);
  }

  @Test
  void shouldHaveDefaultsForEverythingButTheEndpointsAndTheBlobStore() {
    // when
    TrainerConfig config = new TrainerConfig(minimal());

    // then
    assertThat(config.modelName()).isEqualTo("adapt-vlm");
    assertThat(config.modelConfig()).isEqualTo(ModelConfig.cpu());
    assertThat(config.device()).isEqualTo(ComputeDevice.CPU);
    assertThat(config.base()).isEqualTo(TrainerConfig.Base.PRETRAIN);
    assertThat(config.deterministic()).isFalse();
    TrainOptions step = config.stepOptions(1);
    assertThat(step.epochs()).isEqualTo(8);
    assertThat(step.batchSize()).isEqualTo(8);
    assertThat(step.learningRate()).isEqualTo(1e-3f);
    assertThat(step.imageDropout()).isZero();
    assertThat(config.pretrainOptions().epochs()).isEqualTo(8);
    assertThat(config.evalBatchSize()).isEqualTo(32);
    assertThat(config.instanceId()).contains("@");
    assertThatThrownBy(() -> new TrainerConfig(Map.of("bootstrap.servers", "x", "schema.registry.url", "y")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("blob.store");
  }

  @Test
  void shouldSeedEachStepFromTheExperimentSeedAndTheStep() {
    // given two configs with different seeds
    TrainerConfig seed0 = new TrainerConfig(minimal());
    TrainerConfig seed1 = with(TrainerConfig.SEED, "1");

    // when / then: stable per (seed, step), different across steps and seeds
    assertThat(seed0.stepOptions(2).seed()).isEqualTo(new TrainerConfig(minimal()).stepOptions(2).seed());
    assertThat(seed0.stepOptions(2).seed()).isNotEqualTo(seed0.stepOptions(3).seed());
    assertThat(seed0.stepOptions(2).seed()).isNotEqualTo(seed1.stepOptions(2).seed());
    assertThat(seed0.pretrainOptions().seed()).isEqualTo(seed0.stepOptions(0).seed());
    assertThat(StepSeeds.initialWeights(0)).isNotEqualTo(StepSeeds.initialWeights(1));
  }

  @Test
  void shouldTakeAFullModelConfigOverThePreset() {
    // when
    TrainerConfig json = with(TrainerConfig.MODEL_CONFIG, TrainerFixtures.TINY.toJson());
    TrainerConfig gpu = with(TrainerConfig.MODEL_PRESET, "GPU");

    // then
    assertThat(json.modelConfig()).isEqualTo(TrainerFixtures.TINY);
    assertThat(gpu.modelConfig()).isEqualTo(ModelConfig.gpu());
  }

  @Test
  void shouldRequireTheCheckpointPathForACheckpointBase() {
    // when / then
    assertThatThrownBy(() -> with(TrainerConfig.BASE, "checkpoint"))
        .isInstanceOf(ConfigException.class).hasMessageContaining(TrainerConfig.BASE_CHECKPOINT);
    Map<String, String> m = minimal();
    m.put(TrainerConfig.BASE, "checkpoint");
    m.put(TrainerConfig.BASE_CHECKPOINT, "/models/base");
    TrainerConfig config = new TrainerConfig(m);
    assertThat(config.base()).isEqualTo(TrainerConfig.Base.CHECKPOINT);
    assertThat(config.baseCheckpoint()).contains(Path.of("/models/base"));
  }

  @Test
  void shouldRefuseBadValuesWithTheKeyInTheMessage() {
    assertThatThrownBy(() -> with(TrainerConfig.MODEL_NAME, "a@b"))
        .isInstanceOf(ConfigException.class).hasMessageContaining(TrainerConfig.MODEL_NAME);
    assertThatThrownBy(() -> with(TrainerConfig.MODEL_CONFIG, "{\"dModel\": 3}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining(TrainerConfig.MODEL_CONFIG);
    assertThatThrownBy(() -> with(TrainerConfig.BASE, "imagenet"))
        .isInstanceOf(ConfigException.class).hasMessageContaining(TrainerConfig.BASE);
    assertThatThrownBy(() -> with(TrainerConfig.IMAGE_DROPOUT, "1.0"))
        .isInstanceOf(ConfigException.class).hasMessageContaining(TrainerConfig.IMAGE_DROPOUT);
    assertThatThrownBy(() -> with(TrainerConfig.LEARNING_RATE, "0"))
        .isInstanceOf(ConfigException.class).hasMessageContaining(TrainerConfig.LEARNING_RATE);
    assertThatThrownBy(() -> with(TrainerConfig.EPOCHS, "0"))
        .isInstanceOf(ConfigException.class).hasMessageContaining(TrainerConfig.EPOCHS);
    assertThatThrownBy(() -> with(TrainerConfig.DEVICE, "tpu"))
        .isInstanceOf(ConfigException.class).hasMessageContaining(TrainerConfig.DEVICE);
    assertThatThrownBy(() -> with("trainer.epoch", "3"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown setting");
  }
}
