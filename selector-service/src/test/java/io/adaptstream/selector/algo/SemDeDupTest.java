package io.adaptstream.selector.algo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SemDeDupTest {

  private static final int DIM = 64;

  @Test
  void shouldKeepTheEarliestMemberOfADuplicateGroup() {
    // given a, b, c, copy of a, d, near-copy of a
    SplittableRandom random = new SplittableRandom(1);
    float[] a = Fixtures.randomUnit(DIM, random);
    List<float[]> e = List.of(a, Fixtures.randomUnit(DIM, random), Fixtures.randomUnit(DIM, random), a.clone(),
        Fixtures.randomUnit(DIM, random), Fixtures.nudge(a, 0.01, random));

    // when
    SemDeDup.Pruning p = new SemDeDup().keep(e, 4, 0);

    // then
    assertThat(p.kept()).containsExactly(0, 1, 2, 4);
    assertThat(p.pruned()).containsExactly(3, 5);
    assertThat(p.m()[0]).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(p.m()[3]).isGreaterThan(0.9999);
  }

  @Test
  void shouldPruneExactAndNearDuplicatesBeforeAnyDistinctSample() {
    // given 60 distinct samples, then 15 copies or near-copies of earlier ones
    Data d = data(60, 15, 2);

    // when
    SemDeDup.Pruning p = new SemDeDup().keep(d.embeddings, 60, 0);

    // then
    assertThat(IntStream.of(p.pruned()).boxed()).containsExactlyElementsOf(d.duplicates);
    assertThat(p.exact()).isTrue();
    assertThat(p.comparisons()).isEqualTo(75L * 74 / 2);
  }

  @Test
  void shouldPruneAboveTheSimilarityThresholdInThresholdMode() {
    // given
    Data d = data(60, 15, 3);

    // when
    SemDeDup.Pruning p = new SemDeDup().threshold(d.embeddings, 0.02, 0);

    // then
    assertThat(IntStream.of(p.pruned()).boxed()).containsExactlyElementsOf(d.duplicates);
  }

  @Test
  void shouldBoundPairwiseCostAboveTheCapAndStillPruneDuplicates() {
    // given 1200 distinct samples and 300 duplicates, cap 400 (exact would need 1.1M comparisons)
    Data d = data(1200, 300, 4);
    SemDeDup capped = new SemDeDup(400);

    // when
    SemDeDup.Pruning p = capped.keep(d.embeddings, 1200, 7);
    SemDeDup.Pruning again = capped.keep(d.embeddings, 1200, 7);

    // then cost is O(n * cap), not O(n^2), and duplicates are still what goes
    int n = d.embeddings.size();
    assertThat(p.exact()).isFalse();
    assertThat(p.comparisons()).isLessThanOrEqualTo((long) n * 400 / 2).isLessThan((long) n * (n - 1) / 2 / 3);
    assertThat(IntStream.of(p.pruned()).boxed()).containsExactlyElementsOf(d.duplicates);
    assertThat(again.pruned()).isEqualTo(p.pruned());
  }

  private record Data(List<float[]> embeddings, List<Integer> duplicates) {}

  /** {@code distinct} random directions, then {@code copies} exact or near copies of earlier ones, shuffled in. */
  private static Data data(int distinct, int copies, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<float[]> e = new ArrayList<>();
    for (int i = 0; i < distinct; i++) {
      e.add(Fixtures.randomUnit(DIM, random));
    }
    List<Integer> duplicates = new ArrayList<>();
    for (int i = 0; i < copies; i++) {
      float[] original = e.get(random.nextInt(distinct));
      e.add(i % 2 == 0 ? original.clone() : Fixtures.nudge(original, 0.005, random));
      duplicates.add(e.size() - 1);
    }
    return new Data(e, duplicates);
  }
}
