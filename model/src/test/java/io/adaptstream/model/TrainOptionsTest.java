package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TrainOptionsTest {

  @Test
  void shouldWarmUpLinearlyThenDecayWithACosineToTheFinalShare() {
    // given a peak of 1e-3, 10% warm-up and a final rate of 10% of the peak over 100 steps
    TrainOptions options = TrainOptions.defaults().withLearningRate(1e-3f).withWarmup(0.1f)
        .withFinalLearningRate(0.1f);

    // when the schedule is read step by step
    float[] lr = new float[100];
    for (int t = 0; t < 100; t++) {
      lr[t] = options.learningRateAt(t, 100);
    }

    // then it rises during the 10 warm-up steps, peaks right after, falls monotonically, ends at 10%
    for (int t = 1; t < 10; t++) {
      assertThat(lr[t]).isGreaterThan(lr[t - 1]);
    }
    assertThat(lr[0]).isGreaterThan(0f).isLessThan(1e-4f + 1e-6f);
    assertThat(lr[10]).isCloseTo(1e-3f, within(1e-9f));
    for (int t = 11; t < 100; t++) {
      assertThat(lr[t]).isLessThanOrEqualTo(lr[t - 1]);
    }
    assertThat(lr[99]).isCloseTo(1e-4f, within(1e-9f));
  }

  @Test
  void shouldKeepTheRateConstantInConstantMode() {
    TrainOptions options = TrainOptions.defaults().withLearningRate(2e-3f).constant();
    for (int t = 0; t < 50; t++) {
      assertThat(options.learningRateAt(t, 50)).isEqualTo(2e-3f);
    }
  }

  @Test
  void shouldRefuseOutOfRangeScheduleSettings() {
    TrainOptions options = TrainOptions.defaults();
    assertThatThrownBy(() -> options.withWarmup(1f)).hasMessageContaining("warmup");
    assertThatThrownBy(() -> options.withFinalLearningRate(1.5f)).hasMessageContaining("finalLearningRate");
    assertThatThrownBy(() -> options.withWeightDecay(-1f)).hasMessageContaining("weightDecay");
    assertThatThrownBy(() -> options.withClipNorm(Float.POSITIVE_INFINITY)).hasMessageContaining("clipNorm");
  }

  @Test
  void shouldCountStepsFromTheTrainingSetInEpochsModeAndFromStepsInStepsMode() {
    // given
    TrainOptions epochs = TrainOptions.defaults().withBatchSize(8).withEpochs(3);
    TrainOptions steps = epochs.withSteps(400);

    // then
    assertThat(epochs.stepsMode()).isFalse();
    assertThat(epochs.steps()).isZero();
    assertThat(epochs.totalSteps(13)).isEqualTo(6);
    assertThat(steps.stepsMode()).isTrue();
    assertThat(steps.totalSteps(13)).isEqualTo(400);
    assertThat(steps.totalSteps(100_000)).isEqualTo(400);
    assertThat(steps.stepsPerEpoch(13)).isEqualTo(2);
    assertThat(steps.withSteps(0)).isEqualTo(epochs);
    assertThatThrownBy(() -> epochs.withSteps(-5)).hasMessageContaining("steps");
  }
}
