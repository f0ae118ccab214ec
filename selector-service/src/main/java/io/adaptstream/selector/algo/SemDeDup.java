package io.adaptstream.selector.algo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Permanent redundancy pruning inside one cluster, as the reference's {@code semdedup()}: with members in a fixed
 * order, each member's statistic is {@code M[j] = max over earlier members i < j of cos(emb[i], emb[j])}
 * (L2-normalised hidden-state embeddings); the first member has {@code M = -infinity}. Members with the LOWEST M
 * are kept (ties by member order), so from a group of near-duplicates the earliest member survives and the later
 * copies go first. {@link #threshold} is the original SemDeDup's rule instead (prune {@code M > 1 - epsilon}).
 * The reference takes M from {@code max(triu(sim), dim=0)}, whose zeroed lower triangle clamps M at 0; here
 * negative similarities are kept, which only orders members the reference would tie at 0.
 *
 * <p>Cost bound: the exact statistic needs n(n-1)/2 dot products. Above {@code maxPairwise} members (default
 * 5000), members are sorted by their projection on a seeded random +/-1 direction (ties by member order) and
 * each is compared only with its {@code maxPairwise / 2} neighbours on either side in that order (a sorted-
 * neighbourhood window); M is still the max over the compared members that come earlier in member order. Cost
 * becomes about {@code n * maxPairwise / 2} dot products, O(n * maxPairwise * dim), the same as blocks of
 * {@code maxPairwise} but with no block boundaries to split a duplicate pair. Near-duplicates have nearly equal
 * projections, so they are almost always neighbours (exact duplicates always are, unless more than
 * {@code maxPairwise / 2} members share their projection); pairs further apart are not compared. The window
 * depends on the embeddings and the seed only, so the result is deterministic.
 */
public final class SemDeDup {

  public static final int DEFAULT_MAX_PAIRWISE = 5000;

  /**
   * The outcome for one cluster; positions refer to the input list.
   *
   * @param kept kept positions, ascending
   * @param pruned pruned positions, ascending
   * @param m each member's statistic (-infinity when no earlier member was compared)
   * @param comparisons dot products computed
   * @param exact whether every pair was compared (false when the cap applied)
   */
  public record Pruning(int[] kept, int[] pruned, double[] m, long comparisons, boolean exact) {}

  private final int maxPairwise;

  public SemDeDup() {
    this(DEFAULT_MAX_PAIRWISE);
  }

  public SemDeDup(int maxPairwise) {
    if (maxPairwise < 2) {
      throw new IllegalArgumentException("maxPairwise must be >= 2, got " + maxPairwise);
    }
    this.maxPairwise = maxPairwise;
  }

  /** Keeps the {@code keep} members with the lowest M (all of them when there are fewer). */
  public Pruning keep(List<float[]> embeddings, int keep, long seed) {
    if (keep < 0) {
      throw new IllegalArgumentException("keep must be >= 0, got " + keep);
    }
    Statistic s = statistic(embeddings, seed);
    int n = s.m.length;
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> s.m[i]).thenComparingInt(i -> i));
    boolean[] kept = new boolean[n];
    for (int r = 0; r < Math.min(keep, n); r++) {
      kept[order[r]] = true;
    }
    return result(kept, s);
  }

  /** Prunes every member whose M exceeds {@code 1 - epsilon}. */
  public Pruning threshold(List<float[]> embeddings, double epsilon, long seed) {
    if (!(epsilon >= 0 && epsilon <= 2)) {
      throw new IllegalArgumentException("epsilon must be in [0, 2], got " + epsilon);
    }
    Statistic s = statistic(embeddings, seed);
    boolean[] kept = new boolean[s.m.length];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = !(s.m[i] > 1 - epsilon);
    }
    return result(kept, s);
  }

  private record Statistic(double[] m, long comparisons, boolean exact) {}

  private Statistic statistic(List<float[]> embeddings, long seed) {
    int n = embeddings.size();
    int dim = n == 0 ? 0 : embeddings.get(0).length;
    if ((long) n * dim > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("cluster too large to prune in memory: " + n + " members of dimension "
          + dim);
    }
    // one flat array: pairwise loops then stream through contiguous memory
    float[] flat = new float[n * dim];
    for (int i = 0; i < n; i++) {
      float[] unit;
      try {
        unit = UnitVector.of(embeddings.get(i));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("embedding " + i + ": " + ex.getMessage(), ex);
      }
      if (unit.length != dim) {
        throw new IllegalArgumentException("embedding " + i + " has dimension " + unit.length + ", expected " + dim);
      }
      System.arraycopy(unit, 0, flat, i * dim, dim);
    }
    double[] m = new double[n];
    Arrays.fill(m, Double.NEGATIVE_INFINITY);
    if (n <= maxPairwise) {
      float[] columns = transpose(flat, n, dim, null);
      float[] sims = new float[n];
      long comparisons = 0;
      for (int j = 1; j < n; j++) {
        similarities(columns, n, dim, flat, j * dim, 0, j, sims);
        m[j] = max(sims, j);
        comparisons += j;
      }
      return new Statistic(m, comparisons, true);
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] direction = new float[dim];
    for (int d = 0; d < dim; d++) {
      direction[d] = random.nextBoolean() ? 1f : -1f;
    }
    double[] projection = new double[n];
    for (int i = 0; i < n; i++) {
      projection[i] = UnitVector.dot(direction, 0, flat, i * dim, dim);
    }
    int[] byProjection = IntStream.range(0, n).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> projection[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
    float[] columns = transpose(flat, n, dim, byProjection);
    int window = maxPairwise / 2;
    float[] sims = new float[window];
    long comparisons = 0;
    for (int r = 0; r < n - 1; r++) {
      int a = byProjection[r];
      int count = Math.min(n - 1, r + window) - r;
      similarities(columns, n, dim, flat, a * dim, r + 1, count, sims);
      for (int t = 0; t < count; t++) {
        int later = Math.max(a, byProjection[r + 1 + t]);
        if (sims[t] > m[later]) {
          m[later] = sims[t];
        }
      }
      comparisons += count;
    }
    return new Statistic(m, comparisons, false);
  }

  /**
   * Dimension-major copy: {@code columns[d * n + r]} is component d of the r-th member (in {@code order}, or
   * member order when null). Comparing one member with a run of others is then {@code sims[i] += column[i] * v}
   * per dimension, a loop the JIT vectorises, instead of a reduction per pair, which it cannot.
   */
  private static float[] transpose(float[] flat, int n, int dim, int[] order) {
    float[] columns = new float[n * dim];
    for (int r = 0; r < n; r++) {
      int src = (order == null ? r : order[r]) * dim;
      for (int d = 0; d < dim; d++) {
        columns[d * n + r] = flat[src + d];
      }
    }
    return columns;
  }

  /** {@code sims[t] = cos(query, member from + t)} for t in [0, count), summed over dimensions in order. */
  private static void similarities(float[] columns, int n, int dim, float[] flat, int query, int from, int count,
      float[] sims) {
    Arrays.fill(sims, 0, count, 0f);
    for (int d = 0; d < dim; d++) {
      float v = flat[query + d];
      int base = d * n + from;
      for (int t = 0; t < count; t++) {
        sims[t] += columns[base + t] * v;
      }
    }
  }

  private static double max(float[] sims, int count) {
    float best = Float.NEGATIVE_INFINITY;
    for (int t = 0; t < count; t++) {
      best = Math.max(best, sims[t]);
    }
    return best;
  }

  private static Pruning result(boolean[] kept, Statistic s) {
    List<Integer> keep = new ArrayList<>();
    List<Integer> prune = new ArrayList<>();
    for (int i = 0; i < kept.length; i++) {
      (kept[i] ? keep : prune).add(i);
    }
    return new Pruning(keep.stream().mapToInt(Integer::intValue).toArray(),
        prune.stream().mapToInt(Integer::intValue).toArray(), s.m, s.comparisons, s.exact);
  }
}
