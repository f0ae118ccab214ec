package io.adaptstream.cli.run.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A seeded two-level percentile bootstrap: each draw resamples the seeds with replacement and, within each drawn
 * seed, the test samples of every skill with replacement; a figure's draw is its mean over the drawn seeds, and
 * its 95% interval is the 2.5th and 97.5th percentiles of the draws.
 *
 * <p>Why two levels: with few seeds the seed-to-seed spread alone says nothing about how precisely each run's
 * accuracy was measured (a skill with 10 test samples has a standard error near 0.15), and with one seed it is
 * all there is. Why seeded: the table is a file under version control; the same runs must give the same
 * intervals. Paired comparisons ask for every figure of both methods in one {@link Figures} call, so both see
 * the same seeds and the same test indices in every draw.
 */
final class Bootstrap {

  /** Draws per interval. */
  static final int RESAMPLES = 2000;
  /** The bootstrap's own random seed. */
  static final long SEED = 2000;
  /** Two-sided confidence level of the intervals. */
  static final double CONFIDENCE = 0.95;

  private Bootstrap() {}

  /** The figures of one seed under one resample of its test samples. */
  @FunctionalInterface
  interface Figures {
    /**
     * @param seed the index of the seed in the list given to {@link #intervals}
     * @param resample per skill, the indices of the test samples drawn (a skill absent: not resampled)
     */
    double[] at(int seed, Map<String, int[]> resample);
  }

  /**
   * The 95% interval of each of {@code figures} figures, or null when nothing can vary (one seed and no test
   * samples to resample).
   *
   * @param testSamples per seed, the number of test samples per skill that can be resampled (empty: none)
   */
  static List<ExperimentTable.Interval> intervals(List<Map<String, Integer>> testSamples, int figures,
      Figures f) {
    int seeds = testSamples.size();
    if (seeds == 0 || seeds == 1 && testSamples.get(0).values().stream().allMatch(n -> n < 1)) {
      return null;
    }
    List<Map<String, Integer>> sorted = testSamples.stream().map(m -> (Map<String, Integer>) new TreeMap<>(m))
        .toList(); // a fixed skill order: the draws must not depend on map iteration order
    SplittableRandom rng = new SplittableRandom(SEED);
    double[][] draws = new double[figures][RESAMPLES];
    for (int b = 0; b < RESAMPLES; b++) {
      double[] sum = new double[figures];
      for (int pos = 0; pos < seeds; pos++) {
        int s = seeds == 1 ? 0 : rng.nextInt(seeds);
        Map<String, int[]> resample = new HashMap<>();
        for (Map.Entry<String, Integer> e : sorted.get(s).entrySet()) {
          int n = e.getValue();
          if (n > 0) {
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
              idx[i] = rng.nextInt(n);
            }
            resample.put(e.getKey(), idx);
          }
        }
        double[] v = f.at(s, resample);
        for (int k = 0; k < figures; k++) {
          sum[k] += v[k];
        }
      }
      for (int k = 0; k < figures; k++) {
        draws[k][b] = sum[k] / seeds;
      }
    }
    List<ExperimentTable.Interval> out = new ArrayList<>(figures);
    for (int k = 0; k < figures; k++) {
      double[] valid = Arrays.stream(draws[k]).filter(Double::isFinite).sorted().toArray();
      double alpha = (1 - CONFIDENCE) / 2;
      out.add(valid.length == 0 ? null
          : new ExperimentTable.Interval(quantile(valid, alpha), quantile(valid, 1 - alpha)));
    }
    return out;
  }

  /**
   * The {@code p}-quantile of sorted values, linearly interpolated between order statistics (R's type 7, NumPy's
   * default). Hand-written: commons-math3's {@code Percentile} would do the same, but these few lines keep
   * adapt-cli off another dependency.
   */
  static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
