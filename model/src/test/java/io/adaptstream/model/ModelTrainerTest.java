package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModelTrainerTest {

  private static List<Integer> indices(int n) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    return order;
  }

  @Test
  void shouldVisitEverySampleOncePerEpochInShuffledBatches() {
    // when
    List<List<Integer>> batches = ModelTrainer.batches(indices(150), 8, new Random(4));

    // then
    assertThat(batches).hasSize((150 + 7) / 8);
    assertThat(batches.stream().flatMap(List::stream).sorted().toList()).isEqualTo(indices(150));
    assertThat(batches.get(batches.size() - 1)).hasSize(150 % 8);
    assertThat(batches.stream().flatMap(List::stream).toList()).isNotEqualTo(indices(150));
  }

  @Test
  void shouldDrawTheSameBatchesFromTheSameSeedAndOthersFromAnother() {
    // when
    List<List<Integer>> a = ModelTrainer.batches(indices(60), 8, new Random(9));
    List<List<Integer>> b = ModelTrainer.batches(indices(60), 8, new Random(9));
    List<List<Integer>> c = ModelTrainer.batches(indices(60), 8, new Random(10));

    // then
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void shouldRefuseMeaninglessOptionsAndEmptyInput() {
    assertThatThrownBy(() -> TrainOptions.defaults().withEpochs(0)).hasMessageContaining("epochs");
    assertThatThrownBy(() -> TrainOptions.defaults().withLearningRate(Float.NaN)).hasMessageContaining("learningRate");
    assertThatThrownBy(() -> TrainOptions.defaults().withImageDropout(1f)).hasMessageContaining("imageDropout");
    try (VisionLanguageModel model = VisionLanguageModel.create(SyntheticSamples.tinyConfig(), 1,
        ComputeDevice.CPU)) {
      assertThatThrownBy(() -> new ModelTrainer().train(model, List.of(), TrainOptions.defaults()))
          .hasMessageContaining("no training examples");
    }
  }
}
