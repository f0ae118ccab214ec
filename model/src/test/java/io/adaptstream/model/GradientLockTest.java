package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GradientLockTest {

  @Test
  void shouldLetTrainingAndScoringShareAJvm() throws Exception {
    // given: two models, as in local mode (the trainer's and the scoring worker's)
    SyntheticSamples data = new SyntheticSamples(6);
    List<Example> examples = data.mixed(24);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (VisionLanguageModel trained = VisionLanguageModel.create(SyntheticSamples.tinyConfig(), 1,
        ComputeDevice.CPU);
        VisionLanguageModel scored = VisionLanguageModel.create(SyntheticSamples.tinyConfig(), 2,
            ComputeDevice.CPU)) {

      // when: both run backward passes at the same time
      Future<TrainReport> training = pool.submit(() -> new ModelTrainer().train(trained, examples,
          TrainOptions.defaults().withBatchSize(2).withEpochs(2)));
      Future<List<SampleSignals>> scoring = pool.submit(() -> {
        List<SampleSignals> last = null;
        for (int i = 0; i < 6; i++) {
          last = new SampleScorer(2).score(scored, examples);
        }
        return last;
      });

      // then: neither trips DJL's one-collector-per-JVM check
      assertThat(training.get(5, TimeUnit.MINUTES).epochLosses()).hasSize(2);
      assertThat(scoring.get(5, TimeUnit.MINUTES)).hasSize(examples.size());
      assertThat(GradientLock.isHeldByCurrentThread()).isFalse();
    } finally {
      pool.shutdownNow();
    }
  }
}
