package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.adaptstream.blob.FileBlobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTrainerTest {

  @TempDir
  Path dir;

  @BeforeAll
  static void startDeterministically() {
    DjlRuntime.init(true);
  }

  private static List<Integer> indices(int n) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    return order;
  }

  private static int[] counts(List<Integer> drawn, int n) {
    int[] counts = new int[n];
    drawn.forEach(i -> counts[i]++);
    return counts;
  }

  @Test
  void shouldVisitEverySampleOncePerPassInAShuffledOrder() {
    // given
    SampleStream stream = new SampleStream(150, new Random(4));

    // when
    List<Integer> first = stream.next(150);
    List<Integer> second = stream.next(150);

    // then
    assertThat(first.stream().sorted().toList()).isEqualTo(indices(150));
    assertThat(second.stream().sorted().toList()).isEqualTo(indices(150));
    assertThat(first).isNotEqualTo(indices(150)).isNotEqualTo(second);
    assertThat(stream.drawn()).isEqualTo(300);
  }

  @Test
  void shouldDrawTheSameStreamFromTheSameSeedAndAnotherFromAnother() {
    // when
    List<Integer> a = new SampleStream(60, new Random(9)).next(200);
    List<Integer> b = new SampleStream(60, new Random(9)).next(200);
    List<Integer> c = new SampleStream(60, new Random(10)).next(200);

    // then
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void shouldDrawEverySampleTheFloorOrTheCeilingOfThePassesWhenTheStreamEndsMidPass() {
    // given 7 steps of batch 8 over 13 samples: 56 draws, 4.31 passes
    SampleStream stream = new SampleStream(13, new Random(3));
    List<Integer> drawn = new ArrayList<>();

    // when
    for (int step = 0; step < 7; step++) {
      drawn.addAll(stream.next(8));
    }

    // then
    for (int c : counts(drawn, 13)) {
      assertThat(c).isBetween(4, 5);
    }
  }

  @Test
  void shouldRepeatSamplesWithinABatchWhenTheSetIsSmallerThanABatch() {
    // when one batch of 8 is drawn from 3 samples
    List<Integer> batch = new SampleStream(3, new Random(1)).next(8);

    // then every sample is in it 2 or 3 times
    assertThat(batch).hasSize(8);
    for (int c : counts(batch, 3)) {
      assertThat(c).isBetween(2, 3);
    }
  }

  @Test
  void shouldMakeExactlyTheGivenStepsOfFullBatchesInStepsMode() {
    // given 13 examples, 7 steps of batch 8
    List<Example> training = new SyntheticSamples(2).mixed(13);
    TrainOptions options = TrainOptions.defaults().withBatchSize(8).withSteps(7).withSeed(5);
    List<int[]> steps = new ArrayList<>();

    // when
    TrainReport report;
    try (VisionLanguageModel model = VisionLanguageModel.create(SyntheticSamples.tinyConfig(), 1,
        ComputeDevice.CPU)) {
      report = new ModelTrainer((step, total, perEpoch, loss) -> steps.add(new int[] {step, total, perEpoch}))
          .train(model, training, options);
    }

    // then: 7 steps, 56 sample passes (4.31 passes over the set: 4 full, one partial)
    assertThat(report.optimizerSteps()).isEqualTo(7);
    assertThat(report.samplePasses()).isEqualTo(56);
    assertThat(report.examples()).isEqualTo(13);
    assertThat(report.passes()).isEqualTo(56 / 13.0);
    assertThat(report.epochLosses()).hasSize(5);
    assertThat(steps).hasSize(7);
    assertThat(steps.get(6)).containsExactly(6, 7, 2);
  }

  @Test
  void shouldKeepEpochsModeCountsWhenNoStepsAreGiven() {
    // given 13 examples, 2 epochs of batch 8: 2 batches (8 + 5) per epoch
    List<Example> training = new SyntheticSamples(2).mixed(13);
    TrainOptions options = TrainOptions.defaults().withBatchSize(8).withEpochs(2);

    // when
    TrainReport report;
    try (VisionLanguageModel model = VisionLanguageModel.create(SyntheticSamples.tinyConfig(), 1,
        ComputeDevice.CPU)) {
      report = new ModelTrainer().train(model, training, options);
    }

    // then
    assertThat(report.optimizerSteps()).isEqualTo(4);
    assertThat(report.samplePasses()).isEqualTo(26);
    assertThat(report.passes()).isEqualTo(2.0);
    assertThat(report.epochLosses()).hasSize(2);
    assertThat(report.lastPassLoss()).isEqualTo(report.epochLosses().get(1), within(1e-6));
  }

  @Test
  void shouldTrainToTheSameWeightsFromTheSameSeedInStepsMode() throws IOException {
    // given
    FileBlobStore blobs = new FileBlobStore(dir);
    List<Example> training = new SyntheticSamples(6).mixed(11);
    TrainOptions options = TrainOptions.defaults().withBatchSize(4).withSteps(6).withImageDropout(0.3f);

    // when
    String a = trainedSha(blobs, training, options.withSeed(21));
    String b = trainedSha(blobs, training, options.withSeed(21));
    String c = trainedSha(blobs, training, options.withSeed(22));

    // then
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }

  private static String trainedSha(FileBlobStore blobs, List<Example> training, TrainOptions options)
      throws IOException {
    try (VisionLanguageModel model = VisionLanguageModel.create(SyntheticSamples.tinyConfig(), 3,
        ComputeDevice.CPU)) {
      new ModelTrainer().train(model, training, options);
      return model.save(blobs).sha256();
    }
  }

  @Test
  void shouldLowerTheLossOnATinySetInStepsMode() {
    // given 6 examples (smaller than a batch of 8), 60 steps
    List<Example> training = new SyntheticSamples(4).mixed(6);
    TrainOptions options = TrainOptions.defaults().withBatchSize(8).withSteps(60).withLearningRate(3e-3f)
        .withSeed(2);

    // when
    TrainReport report;
    try (VisionLanguageModel model = VisionLanguageModel.create(SyntheticSamples.tinyConfig(), 5,
        ComputeDevice.CPU)) {
      report = new ModelTrainer().train(model, training, options);
    }

    // then: 480 sample passes = 80 passes of 6; the last pass's loss is far below the first's
    assertThat(report.samplePasses()).isEqualTo(480);
    assertThat(report.epochLosses()).hasSize(80);
    assertThat(report.lastPassLoss()).isLessThan(report.epochLosses().get(0) / 2);
  }

  @Test
  void shouldRefuseMeaninglessOptionsAndEmptyInput() {
    assertThatThrownBy(() -> TrainOptions.defaults().withEpochs(0)).hasMessageContaining("epochs");
    assertThatThrownBy(() -> TrainOptions.defaults().withSteps(-1)).hasMessageContaining("steps");
    assertThatThrownBy(() -> TrainOptions.defaults().withLearningRate(Float.NaN)).hasMessageContaining("learningRate");
    assertThatThrownBy(() -> TrainOptions.defaults().withImageDropout(1f)).hasMessageContaining("imageDropout");
    try (VisionLanguageModel model = VisionLanguageModel.create(SyntheticSamples.tinyConfig(), 1,
        ComputeDevice.CPU)) {
      assertThatThrownBy(() -> new ModelTrainer().train(model, List.of(), TrainOptions.defaults()))
          .hasMessageContaining("no training examples");
    }
  }
}
