package io.adaptstream.cli.run.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.benchmark.Size;
import io.adaptstream.cli.run.demo.Protocol.Compute;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolTest {

  @Test
  void shouldGiveEveryMethodTheSameOptimizerStepsPerSizeWhenComputeIsEqual() {
    // when the equal-compute settings of both sizes are asked for
    Map<String, String> full = new Protocol(Compute.EQUAL, Size.FULL).overrides();
    Map<String, String> quick = new Protocol(Compute.EQUAL, Size.QUICK).overrides();

    // then training is in steps mode (no epochs), with the knee sweep's steps and budget and the size's pool cap
    assertThat(full).containsEntry("trainer.steps", "200").containsEntry("trainer.pretrain.steps", "2000")
        .containsEntry("selector.budget", "100").containsEntry("selector.pool.cap", "1500")
        .containsEntry("trainer.batch.size", "8").containsEntry("trainer.eval.batch.size", "32")
        .doesNotContainKeys("trainer.epochs", "trainer.pretrain.epochs");
    assertThat(quick).containsEntry("trainer.steps", "200").containsEntry("trainer.pretrain.steps", "2000")
        .containsEntry("selector.budget", "100").containsEntry("selector.pool.cap", "400");
  }

  @Test
  void shouldKeepTheSettingsOfTheTableBeforeTheProtocolWhenComputeIsAsDefined() {
    // when the as-defined settings are asked for
    Map<String, String> quick = new Protocol(Compute.AS_DEFINED, Size.QUICK).overrides();

    // then they are the epochs-based settings the earlier table was made with, and no steps
    assertThat(quick).isEqualTo(Map.of("trainer.batch.size", "8", "trainer.eval.batch.size", "8",
        "selector.budget", "120", "selector.pool.cap", "400", "trainer.epochs", "8", "trainer.pretrain.epochs", "8"));
  }

  @Test
  void shouldTrainContinuousModeUnderTheFullEqualComputeProtocol() {
    assertThat(Protocol.continuous().overrides()).isEqualTo(new Protocol(Compute.EQUAL, Size.FULL).overrides());
  }

  @Test
  void shouldDescribeTheComputeTheSettingsGiveWhenTheUserOverridesThem() {
    // given the equal settings with the steps overridden, and the as-defined ones
    Map<String, String> steps = new LinkedHashMap<>(new Protocol(Compute.EQUAL, Size.FULL).overrides());
    steps.put("trainer.steps", "50");
    Map<String, String> epochs = new Protocol(Compute.AS_DEFINED, Size.FULL).overrides();

    // then the notes say what was trained
    assertThat(Protocol.describe(steps)).contains("every method made 50 optimizer steps per time step");
    assertThat(Protocol.describe(epochs)).contains("8 epochs over its training set");
  }

  @Test
  void shouldReadTheModesByTheirCommandLineNames() {
    assertThat(Compute.parse("equal")).isEqualTo(Compute.EQUAL);
    assertThat(Compute.parse("As-Defined")).isEqualTo(Compute.AS_DEFINED);
    assertThatThrownBy(() -> Compute.parse("more")).hasMessageContaining("valid: equal, as-defined");
  }
}
