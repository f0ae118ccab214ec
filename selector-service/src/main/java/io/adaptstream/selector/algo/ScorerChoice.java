package io.adaptstream.selector.algo;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Multi-way scorer choice: per cluster, the scorer whose score distribution has the highest Shannon entropy (the
 * most spread-out, most informative ranking of that cluster's samples).
 *
 * <p>{@link Mode#STANDARDISED} (default) bins standardised scores {@code z = (x - mean) / std} into 50 equal bins
 * over [-4, 4] (values beyond 4 sigma are dropped) and returns the entropy in bits. It is scale-invariant: a
 * scorer multiplied by 100 gets the same entropy, which is what "the distribution's shape" should mean when the
 * scorers live on different scales (log-perplexity around 1, EL2N in [0, sqrt 2], entropy up to log |vocab|).
 *
 * <p>{@link Mode#REFERENCE} reproduces the official code's {@code get_dist_entropy} exactly, quirk included: it
 * standardises x but takes the bin edges {@code linspace(-4 * std_raw, 4 * std_raw, 50)} from the RAW standard
 * deviation, counts on {@code (e[i-1], e[i]]} (49 bins; bin 0 always empty), drops values outside, replaces empty
 * bins by machine epsilon and NaN scores by 0. The edges then depend on each scorer's raw scale: for one Gaussian
 * shape with raw std 0.01, 0.1, 1, 10 and 100 it gives about 5.3-5.6, 5.6, 4.66, 1.48 and 0 bits, so the choice
 * follows the scorers' units rather than their shapes. That is why it is not the default; it exists to compare
 * against published numbers.
 *
 * <p>Degenerate input (fewer than 2 usable values, zero variance, or, in reference mode, nothing inside the
 * edges) gets entropy 0 in both modes. The reference would return NaN there; 0 keeps the choice total and
 * deterministic: such a scorer carries no ranking information. Ties go to the earlier scorer in the pool order.
 * In STANDARDISED mode non-finite scores are left out of the histogram.
 */
public final class ScorerChoice {

  /** How scores are binned. */
  public enum Mode {
    STANDARDISED,
    REFERENCE;

    public static Mode byName(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown entropy mode '" + name + "'; valid: standardised, reference");
      }
    }
  }

  /** The chosen scorer and every pool scorer's entropy, in pool order. */
  public record Choice(Scorer chosen, Map<Scorer, Double> entropies) {
    public Choice {
      entropies = Collections.unmodifiableMap(new LinkedHashMap<>(entropies));
    }
  }

  public static final int DEFAULT_BINS = 50;
  private static final double SIGMAS = 4.0;
  private static final double EPS = Math.ulp(1.0);

  private final Mode mode;
  private final int bins;

  public ScorerChoice(Mode mode) {
    this(mode, DEFAULT_BINS);
  }

  public ScorerChoice(Mode mode, int bins) {
    if (bins < 2) {
      throw new IllegalArgumentException("entropy histogram needs at least 2 bins, got " + bins);
    }
    this.mode = mode;
    this.bins = bins;
  }

  public Mode mode() {
    return mode;
  }

  /**
   * Picks the scorer with the highest entropy.
   *
   * @param pool scorers to consider, in tie-breaking order; not empty
   * @param scores each scorer's (transformed) scores for the cluster's members
   */
  public Choice choose(List<Scorer> pool, Function<Scorer, double[]> scores) {
    if (pool.isEmpty()) {
      throw new IllegalArgumentException("scorer pool is empty");
    }
    Map<Scorer, Double> entropies = new LinkedHashMap<>();
    Scorer best = null;
    double bestH = Double.NEGATIVE_INFINITY;
    for (Scorer s : pool) {
      double h = entropy(scores.apply(s));
      entropies.put(s, h);
      if (h > bestH) {
        bestH = h;
        best = s;
      }
    }
    return new Choice(best, entropies);
  }

  /** The entropy (bits) of one score vector under this mode. */
  public double entropy(double[] x) {
    return mode == Mode.STANDARDISED ? standardised(x) : reference(x);
  }

  private double standardised(double[] raw) {
    double[] x = Arrays.stream(raw).filter(Double::isFinite).toArray();
    double[] moments = meanAndStd(x);
    double mean = moments[0];
    double std = moments[1];
    if (x.length < 2 || !(std > 0) || !Double.isFinite(std)) {
      return 0.0;
    }
    long[] counts = new long[bins];
    long total = 0;
    for (double v : x) {
      double z = (v - mean) / std;
      if (z < -SIGMAS || z > SIGMAS) {
        continue;
      }
      int b = (int) Math.floor((z + SIGMAS) / (2 * SIGMAS) * bins);
      counts[Math.min(b, bins - 1)]++;
      total++;
    }
    double h = 0;
    for (long c : counts) {
      if (c > 0) {
        double p = (double) c / total;
        h -= p * log2(p);
      }
    }
    return h;
  }

  private double reference(double[] raw) {
    double[] x = new double[raw.length];
    for (int i = 0; i < raw.length; i++) {
      double v = raw[i];
      // numpy.nan_to_num
      x[i] = Double.isNaN(v) ? 0.0 : v == Double.POSITIVE_INFINITY ? Double.MAX_VALUE
          : v == Double.NEGATIVE_INFINITY ? -Double.MAX_VALUE : v;
    }
    double[] moments = meanAndStd(x);
    double mean = moments[0];
    double std = moments[1];
    if (x.length < 2 || !(std > 0) || !Double.isFinite(std)) {
      return 0.0;
    }
    // numpy.linspace(-4 std, 4 std, bins): start + i * step, last edge exactly stop
    double start = -SIGMAS * std;
    double stop = SIGMAS * std;
    double step = (stop - start) / (bins - 1);
    double[] edges = new double[bins];
    for (int i = 0; i < bins; i++) {
      edges[i] = start + i * step;
    }
    edges[bins - 1] = stop;
    long[] counts = new long[bins];
    long total = 0;
    for (double v : x) {
      double z = (v - mean) / std;
      if (!(z > edges[0]) || z > edges[bins - 1]) {
        continue;
      }
      int i = (int) Math.ceil((z - start) / step);
      i = Math.max(1, Math.min(bins - 1, i));
      while (i > 1 && z <= edges[i - 1]) {
        i--;
      }
      while (i < bins - 1 && z > edges[i]) {
        i++;
      }
      counts[i]++;
      total++;
    }
    if (total == 0) {
      return 0.0;
    }
    double h = 0;
    for (long c : counts) {
      double p = c == 0 ? EPS : (double) c / total;
      h -= p * log2(p);
    }
    return h;
  }

  /** Mean and population standard deviation (numpy's default ddof=0), two-pass for accuracy. */
  private static double[] meanAndStd(double[] x) {
    if (x.length == 0) {
      return new double[] {0, 0};
    }
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    double mean = sum / x.length;
    double sq = 0;
    for (double v : x) {
      double d = v - mean;
      sq += d * d;
    }
    return new double[] {mean, Math.sqrt(sq / x.length)};
  }

  private static double log2(double p) {
    return Math.log(p) / Math.log(2);
  }
}
