package io.adaptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.model.ComputeDevice;
import io.adaptstream.model.LearnerConfig;
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
    assertThat(step.stepsMode()).isFalse();
    assertThat(config.pretrainOptions().stepsMode()).isFalse();
    assertThat(config.evalBatchSize()).isEqualTo(32);
    assertThat(config.instanceId()).contains("@");
    assertThatThrownBy(() -> new TrainerConfig(Map.of("bootstrap.servers", "x", "schema.registry.url", "y")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("blob.store");
  }

  @Test
  void shouldTrainAFixedNumberOfStepsWhenStepsAreSet() {
    // given
    Map<String, String> m = minimal();
    m.put(TrainerConfig.STEPS, "400");
    m.put(TrainerConfig.PRETRAIN_STEPS, "1200");
    m.put(TrainerConfig.BATCH_SIZE, "16");

    // when
    TrainerConfig config = new TrainerConfig(m);

    // then: each mode's own count, the batch and seeds as in epochs mode
    assertThat(config.stepOptions(3).steps()).isEqualTo(400);
    assertThat(config.stepOptions(3).totalSteps(37)).isEqualTo(400);
    assertThat(config.stepOptions(3).batchSize()).isEqualTo(16);
    assertThat(config.stepOptions(3).seed()).isEqualTo(new TrainerConfig(minimal()).stepOptions(3).seed());
    assertThat(config.pretrainOptions().steps()).isEqualTo(1200);
    assertThat(config.pretrainOptions().seed()).isEqualTo(config.stepOptions(0).seed());
  }

  @Test
  void shouldKeepPretrainingInEpochsModeWhenOnlyTheStepsOfATimeStepAreSet() {
    // when
    TrainerConfig config = with(TrainerConfig.STEPS, "50");

    // then
    assertThat(config.stepOptions(1).steps()).isEqualTo(50);
    assertThat(config.pretrainOptions().stepsMode()).isFalse();
    assertThat(config.pretrainOptions().epochs()).isEqualTo(8);
  }

  @Test
  void shouldRefuseNegativeStepCounts() {
    assertThatThrownBy(() -> with(TrainerConfig.STEPS, "-1")).isInstanceOf(ConfigException.class)
        .hasMessageContaining(TrainerConfig.STEPS);
    assertThatThrownBy(() -> with(TrainerConfig.PRETRAIN_STEPS, "-3")).isInstanceOf(ConfigException.class)
        .hasMessageContaining(TrainerConfig.PRETRAIN_STEPS);
    assertThatThrownBy(() -> with(TrainerConfig.STEPS, "many")).isInstanceOf(ConfigException.class);
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

  @Test
  void shouldRunTheBuiltinModelWhenNoModelKindIsSet() {
    // when
    LearnerConfig learner = new TrainerConfig(minimal()).learner();

    // then
    assertThat(learner.kind()).isEqualTo(LearnerConfig.Kind.BUILTIN);
    assertThat(learner.path()).isNull();
  }

  @Test
  void shouldRefuseABadModelKindOrATorchscriptModelWithoutItsModuleWhenVersionZeroIsMadeHere() {
    // when / then: an unknown kind is named with the key
    assertThatThrownBy(() -> with(LearnerConfig.KIND, "onnx"))
        .isInstanceOf(ConfigException.class).hasMessageContaining(LearnerConfig.KIND).hasMessageContaining("onnx");
    // and a torchscript trainer that must make version 0 needs the module file
    assertThatThrownBy(() -> with(LearnerConfig.KIND, "torchscript"))
        .isInstanceOf(ConfigException.class).hasMessageContaining(LearnerConfig.PATH);
    // and a path that is not a file is refused
    Map<String, String> m = minimal();
    m.put(LearnerConfig.KIND, "torchscript");
    m.put(LearnerConfig.PATH, "/no/such/module.pt");
    assertThatThrownBy(() -> new TrainerConfig(m))
        .isInstanceOf(ConfigException.class).hasMessageContaining("/no/such/module.pt");
    // and a bad trainable pattern is refused with its key
    assertThatThrownBy(() -> with(LearnerConfig.TRAINABLE_PATTERN, "lora["))
        .isInstanceOf(ConfigException.class).hasMessageContaining(LearnerConfig.TRAINABLE_PATTERN);
  }
}
