package io.adaptstream.selector.algo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CcsSamplerTest {

  private final CcsSampler ccs = new CcsSampler();

  @Test
  void shouldTakeAnEqualQuotaFromEveryStratumWhenAllAreFull() {
    // given scores spread evenly, about 90 per stratum
    double[] scores = IntStream.range(0, 5000).mapToDouble(i -> i / 5000.0).toArray();

    // when
    CcsSampler.Sample s = ccs.sample(scores, 500, 1);

    // then
    assertThat(s.indices()).hasSize(500);
    assertThat(s.quotas()).containsOnly(10L);
    assertThat(perStratum(scores, s)).containsOnly(10L);
    assertThat(s.filled()).isZero();
  }

  @Test
  void shouldTakeSparseStrataWholeAndRedistributeTheirShortfall() {
    // given 900 scores packed in the bottom tenth of the range and 100 spread over the rest
    SplittableRandom random = new SplittableRandom(3);
    double[] scores = new double[1000];
    for (int i = 0; i < 1000; i++) {
      scores[i] = i < 900 ? 0.1 * random.nextDouble() : 0.1 + 0.9 * random.nextDouble();
    }

    // when
    CcsSampler.Sample s = ccs.sample(scores, 300, 2);

    // then the budget is met exactly, sparse strata are taken whole, the rest share the shortfall equally
    assertThat(s.indices()).hasSize(300);
    long level = Arrays.stream(s.quotas()).max().orElseThrow();
    assertThat(level).isGreaterThan(300 / 50);
    for (int k = 0; k < 50; k++) {
      if (s.strataSizes()[k] < level) {
        assertThat(s.quotas()[k]).isEqualTo(s.strataSizes()[k]);
      } else {
        assertThat(s.quotas()[k]).isBetween(level - 1, level);
      }
    }
    assertThat(perStratum(scores, s)).containsExactly(s.quotas());
  }

  @Test
  void shouldNeverExceedTheBudgetAndNeverPickOutsideThePercentilesWhenEnoughInside() {
    SplittableRandom random = new SplittableRandom(11);
    for (int trial = 0; trial < 500; trial++) {
      // given
      int n = random.nextInt(300);
      double[] scores = random.doubles(n).map(x -> Math.exp(3 * x)).toArray();
      int budget = random.nextInt(n + 20);

      // when
      CcsSampler.Sample s = ccs.sample(scores, budget, trial);

      // then
      assertThat(s.indices()).hasSize(Math.min(budget, n)).doesNotHaveDuplicates().isSorted();
      long inside = Arrays.stream(scores).filter(x -> x >= s.low() && x <= s.high()).count();
      if (budget <= inside) {
        assertThat(s.filled()).isZero();
        for (int i : s.indices()) {
          assertThat(scores[i]).isBetween(s.low(), s.high());
        }
      }
    }
  }

  @Test
  void shouldFillFromTheLeastExtremeTrimmedScoresWhenTooFewAreInside() {
    // given 0..99 under the reference trim: p5 = 5, p95 = 95, so 91 inside
    double[] scores = IntStream.range(0, 100).mapToDouble(i -> i).toArray();

    // when
    CcsSampler.Sample s = new CcsSampler(CcsSampler.Rule.REFERENCE).sample(scores, 95, 4);

    // then the 4 extra are 4, 96, 3, 97 (closest to the range first)
    assertThat(s.filled()).isEqualTo(4);
    assertThat(IntStream.of(s.indices()).boxed()).doesNotContain(0, 1, 2, 98, 99).hasSize(95);
  }

  @Test
  void shouldSkipUnscoredSamplesWhileScoredOnesRemain() {
    // given
    double[] scores = IntStream.range(0, 200).mapToDouble(i -> i % 10 == 0 ? Double.NaN : i).toArray();

    // when
    CcsSampler.Sample s = ccs.sample(scores, 100, 5);

    // then
    assertThat(s.indices()).hasSize(100);
    assertThat(IntStream.of(s.indices()).mapToDouble(i -> scores[i]).boxed()).noneMatch(x -> x.isNaN());
  }

  @Test
  void shouldBeDeterministicUnderASeedAndVaryAcrossSeeds() {
    // given
    double[] scores = Fixtures.gaussians(2000, 1, 8);

    // when
    int[] a = ccs.sample(scores, 100, 1).indices();
    int[] b = ccs.sample(scores, 100, 1).indices();
    int[] c = ccs.sample(scores, 100, 2).indices();

    // then
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void shouldPickAroundTheMiddleOfTheScoreRangeWhenTheClusterBudgetIsFarBelowFiftyStrata() {
    // given 20 candidates and a budget of 6, scores Gaussian, over many seeded clusters
    CcsSampler spread = new CcsSampler(CcsSampler.Rule.SPREAD);
    CcsSampler reference = new CcsSampler(CcsSampler.Rule.REFERENCE);

    // when
    double spreadMean = meanPickPercentile(spread, 20, 6, 400);
    double referenceMean = meanPickPercentile(reference, 20, 6, 400);

    // then the spread rule picks around the middle (about 0.50), the reference rule from the top tail (about 0.85)
    assertThat(spreadMean).isBetween(0.45, 0.55);
    assertThat(referenceMean).isGreaterThan(0.75);
  }

  @Test
  void shouldUseOneStratumPerSampleOfBudgetBelowFiftyAndFiftyAbove() {
    double[] scores = Fixtures.gaussians(400, 1, 3);
    assertThat(new CcsSampler().sample(scores, 6, 1).quotas()).hasSize(6);
    assertThat(new CcsSampler().sample(scores, 120, 1).quotas()).hasSize(50);
    assertThat(new CcsSampler().sample(scores, 6, 1).high()).as("symmetric trim").isLessThan(
        Arrays.stream(scores).max().orElseThrow());
    assertThat(new CcsSampler(CcsSampler.Rule.REFERENCE).sample(scores, 6, 1).quotas()).hasSize(50);
  }

  @Test
  void shouldBehaveLikeTheReferenceForALargeClusterUpToTheTopRankAndWhereTheLeftoversGo() {
    CcsSampler spread = new CcsSampler(CcsSampler.Rule.SPREAD);
    CcsSampler reference = new CcsSampler(CcsSampler.Rule.REFERENCE);
    for (int trial = 0; trial < 50; trial++) {
      // given 400 candidates and a budget of 120
      double[] scores = Fixtures.gaussians(400, 1, 100 + trial);
      double[] sorted = scores.clone();
      Arrays.sort(sorted);

      // when
      CcsSampler.Sample a = spread.sample(scores, 120, trial);
      CcsSampler.Sample b = reference.sample(scores, 120, trial);

      // then the same 50 strata and lower bound, an upper bound one rank lower (symmetric trim), the full budget
      assertThat(a.quotas()).hasSize(50);
      assertThat(b.quotas()).hasSize(50);
      assertThat(a.low()).isEqualTo(b.low());
      assertThat(b.high()).isEqualTo(sorted[380]);
      assertThat(a.high()).isEqualTo(sorted[379]);
      assertThat(a.indices()).hasSize(120);
      assertThat(b.indices()).hasSize(120);
      assertThat(a.filled()).isZero();
      assertThat(b.filled()).isZero();
    }
    // and on average the spread picks sit at the middle; the reference's leftovers still lean to the top (about
    // 0.55 here: up to 49 leftover samples go to the highest strata)
    double spreadMean = meanPickPercentile(spread, 400, 120, 100);
    double referenceMean = meanPickPercentile(reference, 400, 120, 100);
    assertThat(spreadMean).isBetween(0.47, 0.53);
    assertThat(referenceMean).isBetween(spreadMean, 0.6);
  }

  @Test
  void shouldRankPicksByTheirPercentileAmongTheCandidates() {
    // given five distinct scores, a tie and an unscored sample
    double[] scores = {3, 1, 2, 5, 4, Double.NaN};

    // when the lowest, the highest and the unscored are picked
    double[] ranks = CcsSampler.percentileRanks(scores, new int[] {1, 3, 5});

    // then 0 and 1 are summed over the two scored picks
    assertThat(ranks).containsExactly(1.0, 2.0);
    assertThat(CcsSampler.percentileRanks(new double[] {7, 7, 7}, new int[] {0})).containsExactly(0.5, 1.0);
  }

  /** The mean percentile rank (0..1, midrank over ties) of the picks, over {@code trials} seeded clusters. */
  private static double meanPickPercentile(CcsSampler sampler, int n, int budget, int trials) {
    double sum = 0;
    long count = 0;
    for (int trial = 0; trial < trials; trial++) {
      double[] scores = Fixtures.gaussians(n, 1, 1000 + trial);
      double[] sorted = scores.clone();
      Arrays.sort(sorted);
      for (int i : sampler.sample(scores, budget, trial).indices()) {
        sum += (double) Arrays.binarySearch(sorted, scores[i]) / (n - 1);
        count++;
      }
    }
    return sum / count;
  }

  private static long[] perStratum(double[] scores, CcsSampler.Sample s) {
    long[] counts = new long[50];
    double width = (s.high() - s.low()) / 50;
    for (int i : s.indices()) {
      counts[(int) Math.min(49, Math.floor((s.high() - scores[i]) / width))]++;
    }
    return counts;
  }
}
