package io.adaptstream.selector.algo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Coverage-centric sampling inside one cluster (CCS, Zheng et al. 2023, as the reference's {@code get_ccs_samples}
 * uses it): instead of the top-scored samples, an even spread over the score range, so easy, medium and hard
 * samples are all represented.
 *
 * <ol>
 *   <li>Trim: scores below the 5th and above the 95th percentile are set aside (likely mislabeled or trivial).
 *       Percentiles are nearest-rank, as the reference: {@code sorted[floor(n * 0.05)]} and
 *       {@code sorted[floor(n * 0.95)]}.
 *   <li>Stratify [p5, p95] into 50 equal-width strata, numbered from the highest scores down; each stratum is
 *       right-closed {@code (lo, hi]} as in the reference, and the lowest is also closed at p5 (the reference
 *       drops samples exactly at p5; here they stay candidates).
 *   <li>Quotas: equal per stratum; a stratum with too few samples is taken whole and its shortfall shared by the
 *       others, repeatedly (water-filling, {@link BudgetSplit#equal}). Equal remainders go to the higher-score
 *       strata, as the reference's running {@code ceil} does.
 *   <li>Within a stratum, a seeded uniform sample without replacement.
 * </ol>
 *
 * <p>The result NEVER exceeds the budget; the reference's per-stratum {@code ceil(budget / 50)} can overshoot by up
 * to 49 samples. When the trimmed range holds fewer candidates than the budget (small clusters, or a budget close
 * to the cluster size), the rest is filled from the trimmed samples closest to the range (least extreme first,
 * ties by member order), then from samples with no usable score (NaN) in member order: trimming exists to avoid
 * extremes, so the least extreme are the best remaining choice, and a deterministic fill keeps replays exact.
 *
 * <p>Inputs are in member order (the caller sorts members by sample id); the output is the same for the same
 * scores, budget and seed.
 */
public final class CcsSampler {

  public static final int DEFAULT_STRATA = 50;
  public static final double DEFAULT_LOW_PERCENTILE = 0.05;
  public static final double DEFAULT_HIGH_PERCENTILE = 0.95;

  /**
   * What was sampled and why.
   *
   * @param indices chosen positions in the input, ascending
   * @param low the lower trim bound (p5); NaN when no score is finite
   * @param high the upper trim bound (p95); NaN when no score is finite
   * @param strataSizes candidates per stratum, stratum 0 holding the highest scores
   * @param quotas samples taken per stratum
   * @param filled samples taken from outside the trimmed range to reach the budget
   */
  public record Sample(int[] indices, double low, double high, long[] strataSizes, long[] quotas, int filled) {}

  private final int strata;
  private final double lowPercentile;
  private final double highPercentile;

  public CcsSampler() {
    this(DEFAULT_STRATA, DEFAULT_LOW_PERCENTILE, DEFAULT_HIGH_PERCENTILE);
  }

  public CcsSampler(int strata, double lowPercentile, double highPercentile) {
    if (strata < 1) {
      throw new IllegalArgumentException("CCS needs at least 1 stratum, got " + strata);
    }
    if (!(lowPercentile >= 0 && lowPercentile <= highPercentile && highPercentile <= 1)) {
      throw new IllegalArgumentException("CCS percentiles must satisfy 0 <= low <= high <= 1, got "
          + lowPercentile + ", " + highPercentile);
    }
    this.strata = strata;
    this.lowPercentile = lowPercentile;
    this.highPercentile = highPercentile;
  }

  /** Samples at most {@code budget} positions of {@code scores}. */
  public Sample sample(double[] scores, int budget, long seed) {
    if (budget < 0) {
      throw new IllegalArgumentException("budget must be >= 0, got " + budget);
    }
    int n = scores.length;
    int target = Math.min(budget, n);
    double[] finite = Arrays.stream(scores).filter(Double::isFinite).sorted().toArray();
    double low = Double.NaN;
    double high = Double.NaN;
    List<List<Integer>> byStratum = new ArrayList<>(strata);
    for (int s = 0; s < strata; s++) {
      byStratum.add(new ArrayList<>());
    }
    List<Integer> outside = new ArrayList<>();
    List<Integer> unscored = new ArrayList<>();
    if (finite.length > 0) {
      low = finite[Math.min(finite.length - 1, (int) Math.floor(finite.length * lowPercentile))];
      high = finite[Math.min(finite.length - 1, (int) Math.floor(finite.length * highPercentile))];
    }
    double width = (high - low) / strata;
    for (int i = 0; i < n; i++) {
      double s = scores[i];
      if (!Double.isFinite(s)) {
        unscored.add(i);
      } else if (s < low || s > high) {
        outside.add(i);
      } else {
        int stratum = width > 0 ? (int) Math.min(strata - 1, Math.floor((high - s) / width)) : 0;
        byStratum.get(stratum).add(i);
      }
    }
    long[] sizes = byStratum.stream().mapToLong(List::size).toArray();
    long[] quotas = BudgetSplit.equal(sizes, target);
    SplittableRandom random = new SplittableRandom(seed);
    List<Integer> chosen = new ArrayList<>(target);
    for (int s = 0; s < strata; s++) {
      chosen.addAll(pick(byStratum.get(s), (int) quotas[s], random));
    }
    int filled = 0;
    if (chosen.size() < target) {
      final double lo = low;
      final double hi = high;
      outside.sort(Comparator.<Integer>comparingDouble(i -> scores[i] < lo ? lo - scores[i] : scores[i] - hi)
          .thenComparingInt(i -> i));
      List<Integer> fill = new ArrayList<>(outside);
      fill.addAll(unscored);
      filled = target - chosen.size();
      chosen.addAll(fill.subList(0, filled));
    }
    int[] indices = chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
    return new Sample(indices, low, high, sizes, quotas, filled);
  }

  /** Seeded uniform choice of {@code k} of {@code members} without replacement (partial Fisher-Yates). */
  static List<Integer> pick(List<Integer> members, int k, SplittableRandom random) {
    if (k >= members.size()) {
      return members;
    }
    int[] a = members.stream().mapToInt(Integer::intValue).toArray();
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(a.length - i);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    List<Integer> out = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      out.add(a[i]);
    }
    return out;
  }
}
