package io.adaptstream.selector.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BudgetSplitTest {

  @Test
  void shouldGiveLeftoversInTheGivenOrderInsteadOfLowestIdFirst() {
    // given four groups with room and a budget two above the level of 1
    long[] sizes = {3, 3, 3, 3};

    // when
    long[] byId = BudgetSplit.equal(sizes, 6);
    long[] ordered = BudgetSplit.equal(sizes, 6, new int[] {3, 1, 0, 2});

    // then
    assertThat(byId).containsExactly(2, 2, 1, 1);
    assertThat(ordered).containsExactly(1, 2, 1, 2);
  }

  @Test
  void shouldSumExactlyToBudgetAndStayMaxMinFairForRandomSizeVectors() {
    SplittableRandom random = new SplittableRandom(42);
    for (int trial = 0; trial < 3000; trial++) {
      // given
      int k = 1 + random.nextInt(20);
      long[] sizes = new long[k];
      for (int c = 0; c < k; c++) {
        sizes[c] = random.nextInt(4) == 0 ? random.nextInt(5) : random.nextInt(2000);
      }
      long total = Arrays.stream(sizes).sum();
      long budget = random.nextInt((int) total + 50);

      // when
      long[] split = BudgetSplit.equal(sizes, budget);

      // then
      assertThat(Arrays.stream(split).sum()).isEqualTo(Math.min(budget, total));
      long max = Arrays.stream(split).max().orElse(0);
      for (int c = 0; c < k; c++) {
        assertThat(split[c]).isBetween(0L, sizes[c]);
        if (split[c] < sizes[c]) {
          assertThat(split[c]).as("a cluster with room gets the level").isGreaterThanOrEqualTo(max - 1);
        }
      }
    }
  }

  @Test
  void shouldTakeSmallClustersWholeAndShareTheRestEqually() {
    // given
    long[] sizes = {5, 100, 100, 3};

    // when
    long[] split = BudgetSplit.equal(sizes, 100);

    // then
    assertThat(split).containsExactly(5, 46, 46, 3);
  }

  @Test
  void shouldGiveLeftoverSamplesToLowestClusterIds() {
    assertThat(BudgetSplit.equal(new long[] {10, 10, 10}, 4)).containsExactly(2, 1, 1);
    assertThat(BudgetSplit.equal(new int[] {10, 10, 10}, 5)).containsExactly(2, 2, 1);
  }

  @Test
  void shouldGiveEverythingWhenBudgetExceedsTotal() {
    assertThat(BudgetSplit.equal(new long[] {3, 0, 7}, 1000)).containsExactly(3, 0, 7);
    assertThat(BudgetSplit.equal(new long[] {}, 10)).isEmpty();
  }

  @Test
  void shouldSplitProportionallyWithLargestRemainders() {
    assertThat(BudgetSplit.proportional(new long[] {10, 30, 60}, 10)).containsExactly(1, 3, 6);
    assertThat(BudgetSplit.proportional(new long[] {1, 1, 1}, 2)).containsExactly(1, 1, 0);
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 2000; trial++) {
      long[] sizes = random.longs(1 + random.nextInt(12), 0, 500).toArray();
      long total = Arrays.stream(sizes).sum();
      long budget = random.nextInt((int) total + 20);
      long[] split = BudgetSplit.proportional(sizes, budget);
      assertThat(Arrays.stream(split).sum()).isEqualTo(Math.min(budget, total));
      for (int c = 0; c < sizes.length; c++) {
        assertThat(split[c]).isBetween(0L, sizes[c]);
      }
    }
  }

  @Test
  void shouldRejectNegativeInput() {
    assertThatThrownBy(() -> BudgetSplit.equal(new long[] {1}, -1)).hasMessageContaining("budget");
    assertThatThrownBy(() -> BudgetSplit.equal(new long[] {-1}, 1)).hasMessageContaining("negative size");
  }
}
