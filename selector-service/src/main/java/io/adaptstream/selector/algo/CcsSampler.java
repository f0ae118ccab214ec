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
 *       {@code sorted[floor(n * 0.95)]} (under {@link Rule#SPREAD} the upper one mirrors the lower in rank).
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
 * <p>Small budgets ({@link Rule#SPREAD}, the default; a documented deviation): with 50 strata and a cluster
 * budget far below 50 (about 6 of 20 members in our runs) most strata hold 0 or 1 sample, the water level is 0
 * and every pick is a leftover; the reference gives leftovers to the highest strata, so the picks sit near the
 * top of the score range (mean percentile about 0.85 at 6 of 20), i.e. on the likely mislabelled samples CCS is
 * meant to avoid. Under {@code SPREAD} the number of strata is {@code min(strata, budget)} (the budget capped
 * at the cluster size, at least 1), so each stratum's share is about one pick; the few leftovers go to strata in
 * a seeded random order instead of highest first; and the trim is symmetric in rank ({@code sorted[n - 1 -
 * floor(n * 0.05)]} above, where the reference's {@code sorted[floor(n * 0.95)]} is the maximum itself for
 * n = 20 and trims nothing at the top). No part of the score range is then favoured in expectation: the mean
 * percentile of the picks is about 0.5 at 6 of 20 (reference 0.85). At budgets of 50 or more the strata are the
 * reference's 50, the upper bound is at most one rank lower, and only where the (fewer than 50) leftovers land
 * differs. {@link Rule#REFERENCE} restores the reference rule exactly.
 *
 * <p>Inputs are in member order (the caller sorts members by sample id); the output is the same for the same
 * scores, budget and seed.
 */
public final class CcsSampler {

  public static final int DEFAULT_STRATA = 50;
  public static final double DEFAULT_LOW_PERCENTILE = 0.05;
  public static final double DEFAULT_HIGH_PERCENTILE = 0.95;
  /** Seed purpose of the leftover order under {@link Rule#SPREAD}. */
  private static final long PURPOSE_LEFTOVERS = 0x4c454654L;

  /** How strata and leftovers are set (see the class doc). */
  public enum Rule {
    /** {@code min(strata, budget)} strata, leftovers in a seeded random stratum order. */
    SPREAD,
    /** The reference: always {@code strata} strata, leftovers to the highest-score strata. */
    REFERENCE
  }

  /**
   * What was sampled and why.
   *
   * @param indices chosen positions in the input, ascending
   * @param low the lower trim bound (p5); NaN when no score is finite
   * @param high the upper trim bound (p95); NaN when no score is finite
   * @param strataSizes candidates per stratum, stratum 0 holding the highest scores
   * @param quotas samples taken per stratum
   * @param filled samples taken from outside the trimmed range to reach the budget
   * @param strata each input position's stratum, -1 for one in none (outside the trimmed range, or no finite
   *     score)
   */
  public record Sample(int[] indices, double low, double high, long[] strataSizes, long[] quotas, int filled,
      int[] strata) {}

  private final int maxStrata;
  private final double lowPercentile;
  private final double highPercentile;
  private final Rule rule;

  /** The default rule ({@link Rule#SPREAD}) with the reference's 50 strata and p5/p95 trim. */
  public CcsSampler() {
    this(Rule.SPREAD);
  }

  public CcsSampler(Rule rule) {
    this(DEFAULT_STRATA, DEFAULT_LOW_PERCENTILE, DEFAULT_HIGH_PERCENTILE, rule);
  }

  /**
   * @param strata the number of strata (under {@link Rule#SPREAD}: at most this many)
   */
  public CcsSampler(int strata, double lowPercentile, double highPercentile, Rule rule) {
    if (strata < 1) {
      throw new IllegalArgumentException("CCS needs at least 1 stratum, got " + strata);
    }
    if (!(lowPercentile >= 0 && lowPercentile <= highPercentile && highPercentile <= 1)) {
      throw new IllegalArgumentException("CCS percentiles must satisfy 0 <= low <= high <= 1, got "
          + lowPercentile + ", " + highPercentile);
    }
    this.maxStrata = strata;
    this.lowPercentile = lowPercentile;
    this.highPercentile = highPercentile;
    this.rule = java.util.Objects.requireNonNull(rule, "rule");
  }

  public Rule rule() {
    return rule;
  }

  /** Samples at most {@code budget} positions of {@code scores}. */
  public Sample sample(double[] scores, int budget, long seed) {
    if (budget < 0) {
      throw new IllegalArgumentException("budget must be >= 0, got " + budget);
    }
    int n = scores.length;
    int target = Math.min(budget, n);
    int strata = rule == Rule.SPREAD ? Math.max(1, Math.min(maxStrata, target)) : maxStrata;
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
      high = rule == Rule.SPREAD
          ? finite[Math.max(0, finite.length - 1 - (int) Math.floor(finite.length * (1 - highPercentile)))]
          : finite[Math.min(finite.length - 1, (int) Math.floor(finite.length * highPercentile))];
    }
    double width = (high - low) / strata;
    int[] stratumOf = new int[n];
    for (int i = 0; i < n; i++) {
      double s = scores[i];
      stratumOf[i] = -1;
      if (!Double.isFinite(s)) {
        unscored.add(i);
      } else if (s < low || s > high) {
        outside.add(i);
      } else {
        int stratum = width > 0 ? (int) Math.min(strata - 1, Math.floor((high - s) / width)) : 0;
        byStratum.get(stratum).add(i);
        stratumOf[i] = stratum;
      }
    }
    long[] sizes = byStratum.stream().mapToLong(List::size).toArray();
    long[] quotas = rule == Rule.SPREAD
        ? BudgetSplit.equal(sizes, target, shuffled(strata, Seeds.derive(seed, PURPOSE_LEFTOVERS)))
        : BudgetSplit.equal(sizes, target);
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
    return new Sample(indices, low, high, sizes, quotas, filled, stratumOf);
  }

  /** A seeded random permutation of 0..n-1 (Fisher-Yates). */
  private static int[] shuffled(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /**
   * The percentile rank (0..1) of each chosen position's score among the finite scores: (values below + half the
   * other values equal) / (finite count - 1), 0.5 when only one score is finite. Unscored (NaN) picks are left
   * out. Returns {sum, count}, the selector's diagnostic of where in the score range CCS picked.
   */
  public static double[] percentileRanks(double[] scores, int[] chosen) {
    double[] finite = Arrays.stream(scores).filter(Double::isFinite).sorted().toArray();
    double sum = 0;
    long count = 0;
    for (int i : chosen) {
      double s = scores[i];
      if (!Double.isFinite(s)) {
        continue;
      }
      count++;
      if (finite.length < 2) {
        sum += 0.5;
        continue;
      }
      int below = lowerBound(finite, s);
      int equal = lowerBound(finite, Math.nextUp(s)) - below;
      sum += (below + (equal - 1) / 2.0) / (finite.length - 1);
    }
    return new double[] {sum, count};
  }

  /** First index whose value is >= key. */
  private static int lowerBound(double[] sorted, double key) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
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
