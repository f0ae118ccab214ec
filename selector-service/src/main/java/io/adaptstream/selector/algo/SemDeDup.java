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
 *
 * <p>{@link #keepOrderFree} is the default rule ({@link Rule#ORDER_FREE}, a documented deviation): the
 * reference's M depends on member order, and with old pool members placed first it prunes fresh members more
 * than their share (simulated: 56% of a cluster, about a third of the survivors). Order-free, each member's
 * statistic is its max cosine to ANY other member (symmetric). Members are first grouped into near-duplicate
 * groups (pairs with cosine above {@code duplicateCosine}, transitively); from each group the member at the
 * lowest position survives this phase and the rest are pruned first, most redundant first. Callers pass members
 * in sample-id order and ids are content hashes, so the survivor is the same at every step and for every
 * replay, and does not depend on which release a copy came from. If more must go, M is recomputed among what
 * is left (a group's survivor no longer counts its removed copies) and the members with the lowest M are kept,
 * ties by position. The same window bounds the cost above {@code maxPairwise} members.
 */
public final class SemDeDup {

  public static final int DEFAULT_MAX_PAIRWISE = 5000;
  /** Cosine above which two members count as near-duplicates under {@link Rule#ORDER_FREE}. */
  public static final double DEFAULT_DUPLICATE_COSINE = 0.95;

  /** Which redundancy statistic pruning keeps by. */
  public enum Rule {
    /** Symmetric max cosine; near-duplicate copies first, survivor by position (see the class doc). */
    ORDER_FREE,
    /** The reference: max cosine to EARLIER members, keep the lowest. */
    REFERENCE
  }

  /**
   * The outcome for one cluster; positions refer to the input list.
   *
   * @param kept kept positions, ascending
   * @param pruned pruned positions, ascending
   * @param m each member's statistic (-infinity when no earlier member was compared)
   * @param nearest the position each member's statistic is the cosine to (the first such, in comparison order);
   *     -1 when nothing was compared
   * @param duplicateOf under {@link #keepOrderFree}, for a member pruned as a near-duplicate copy: the position of
   *     its group's first member (the copy the phase keeps); -1 otherwise
   * @param comparisons dot products computed
   * @param exact whether every pair was compared (false when the cap applied)
   */
  public record Pruning(int[] kept, int[] pruned, double[] m, int[] nearest, int[] duplicateOf, long comparisons,
      boolean exact) {}

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
    return result(kept, s, null);
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
    return result(kept, s, null);
  }

  /**
   * Order-free pruning to {@code keep} members (see the class doc).
   *
   * @param duplicateCosine members whose cosine exceeds this are near-duplicates of each other
   */
  public Pruning keepOrderFree(List<float[]> embeddings, int keep, double duplicateCosine, long seed) {
    if (keep < 0) {
      throw new IllegalArgumentException("keep must be >= 0, got " + keep);
    }
    if (!(duplicateCosine >= -1 && duplicateCosine <= 1)) {
      throw new IllegalArgumentException("duplicateCosine must be in [-1, 1], got " + duplicateCosine);
    }
    float[] flat = unitRows(embeddings);
    int n = embeddings.size();
    int dim = n == 0 ? 0 : flat.length / n;
    boolean[] kept = new boolean[n];
    if (keep >= n) {
      Arrays.fill(kept, true);
      double[] none = new double[n];
      Arrays.fill(none, Double.NEGATIVE_INFINITY);
      int[] nobody = new int[n];
      Arrays.fill(nobody, -1);
      return result(kept, new Statistic(none, nobody, 0, true), null);
    }
    int[] parent = IntStream.range(0, n).toArray();
    Statistic first = symmetric(flat, n, dim, seed, null, duplicateCosine, parent);
    // near-duplicate copies: every group member but the lowest position (union-find roots are the lowest)
    List<Integer> copies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (root(parent, i) != i) {
        copies.add(i);
      }
    }
    int toRemove = n - keep;
    boolean[] removed = new boolean[n];
    copies.sort(Comparator.<Integer>comparingDouble(i -> -first.m[i]).thenComparingInt(i -> i));
    for (int r = 0; r < Math.min(toRemove, copies.size()); r++) {
      removed[copies.get(r)] = true;
    }
    toRemove -= Math.min(toRemove, copies.size());
    int[] duplicateOf = new int[n];
    Arrays.fill(duplicateOf, -1);
    for (int i = 0; i < n; i++) {
      if (removed[i]) {
        duplicateOf[i] = root(parent, i);
      }
    }
    double[] m = first.m.clone();
    int[] nearest = first.nearest.clone();
    long comparisons = first.comparisons;
    if (toRemove > 0) {
      Statistic rest = copies.isEmpty() ? first : symmetric(flat, n, dim, seed, removed, Double.NaN, null);
      if (!copies.isEmpty()) {
        comparisons += rest.comparisons;
      }
      List<Integer> left = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!removed[i]) {
          left.add(i);
          m[i] = rest.m[i];
          nearest[i] = rest.nearest[i];
        }
      }
      left.sort(Comparator.<Integer>comparingDouble(i -> -rest.m[i]).thenComparingInt(i -> -i));
      for (int r = 0; r < toRemove; r++) {
        removed[left.get(r)] = true;
      }
    }
    for (int i = 0; i < n; i++) {
      kept[i] = !removed[i];
    }
    return result(kept, new Statistic(m, nearest, comparisons, first.exact), duplicateOf);
  }

  /**
   * Symmetric max cosine over the members not {@code skip}ped; pairs above {@code duplicateCosine} are joined in
   * {@code parent} (union-find, root = lowest position) when it is not null.
   */
  private Statistic symmetric(float[] flat, int n, int dim, long seed, boolean[] skip, double duplicateCosine,
      int[] parent) {
    double[] m = new double[n];
    Arrays.fill(m, Double.NEGATIVE_INFINITY);
    int[] nearest = new int[n];
    Arrays.fill(nearest, -1);
    long comparisons = 0;
    if (n <= maxPairwise) {
      float[] columns = transpose(flat, n, dim, null);
      float[] sims = new float[n];
      for (int j = 1; j < n; j++) {
        if (skip != null && skip[j]) {
          continue;
        }
        similarities(columns, n, dim, flat, j * dim, 0, j, sims);
        for (int i = 0; i < j; i++) {
          if (skip == null || !skip[i]) {
            visit(i, j, sims[i], m, nearest, duplicateCosine, parent);
            comparisons++;
          }
        }
      }
      return new Statistic(m, nearest, comparisons, true);
    }
    int[] byProjection = byProjection(flat, n, dim, seed);
    float[] columns = transpose(flat, n, dim, byProjection);
    int window = maxPairwise / 2;
    float[] sims = new float[window];
    for (int r = 0; r < n - 1; r++) {
      int a = byProjection[r];
      if (skip != null && skip[a]) {
        continue;
      }
      int count = Math.min(n - 1, r + window) - r;
      similarities(columns, n, dim, flat, a * dim, r + 1, count, sims);
      for (int t = 0; t < count; t++) {
        int b = byProjection[r + 1 + t];
        if (skip == null || !skip[b]) {
          visit(a, b, sims[t], m, nearest, duplicateCosine, parent);
          comparisons++;
        }
      }
    }
    return new Statistic(m, nearest, comparisons, false);
  }

  private static void visit(int a, int b, float sim, double[] m, int[] nearest, double duplicateCosine,
      int[] parent) {
    if (sim > m[a]) {
      m[a] = sim;
      nearest[a] = b;
    }
    if (sim > m[b]) {
      m[b] = sim;
      nearest[b] = a;
    }
    if (parent != null && sim > duplicateCosine) {
      int ra = root(parent, a);
      int rb = root(parent, b);
      if (ra != rb) {
        parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
  }

  private static int root(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private record Statistic(double[] m, int[] nearest, long comparisons, boolean exact) {}

  private Statistic statistic(List<float[]> embeddings, long seed) {
    int n = embeddings.size();
    float[] flat = unitRows(embeddings);
    int dim = n == 0 ? 0 : flat.length / n;
    double[] m = new double[n];
    Arrays.fill(m, Double.NEGATIVE_INFINITY);
    int[] nearest = new int[n];
    Arrays.fill(nearest, -1);
    if (n <= maxPairwise) {
      float[] columns = transpose(flat, n, dim, null);
      float[] sims = new float[n];
      long comparisons = 0;
      for (int j = 1; j < n; j++) {
        similarities(columns, n, dim, flat, j * dim, 0, j, sims);
        int arg = argmax(sims, j);
        m[j] = sims[arg];
        nearest[j] = arg;
        comparisons += j;
      }
      return new Statistic(m, nearest, comparisons, true);
    }
    int[] byProjection = byProjection(flat, n, dim, seed);
    float[] columns = transpose(flat, n, dim, byProjection);
    int window = maxPairwise / 2;
    float[] sims = new float[window];
    long comparisons = 0;
    for (int r = 0; r < n - 1; r++) {
      int a = byProjection[r];
      int count = Math.min(n - 1, r + window) - r;
      similarities(columns, n, dim, flat, a * dim, r + 1, count, sims);
      for (int t = 0; t < count; t++) {
        int b = byProjection[r + 1 + t];
        int later = Math.max(a, b);
        if (sims[t] > m[later]) {
          m[later] = sims[t];
          nearest[later] = Math.min(a, b);
        }
      }
      comparisons += count;
    }
    return new Statistic(m, nearest, comparisons, false);
  }

  /** The embeddings normalised, one flat row-major array (pairwise loops then stream through contiguous memory). */
  private static float[] unitRows(List<float[]> embeddings) {
    int n = embeddings.size();
    int dim = n == 0 ? 0 : embeddings.get(0).length;
    if ((long) n * dim > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("cluster too large to prune in memory: " + n + " members of dimension "
          + dim);
    }
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
    return flat;
  }

  /** Positions sorted by their projection on a seeded random +/-1 direction, ties by position. */
  private static int[] byProjection(float[] flat, int n, int dim, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] direction = new float[dim];
    for (int d = 0; d < dim; d++) {
      direction[d] = random.nextBoolean() ? 1f : -1f;
    }
    double[] projection = new double[n];
    for (int i = 0; i < n; i++) {
      projection[i] = UnitVector.dot(direction, 0, flat, i * dim, dim);
    }
    return IntStream.range(0, n).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> projection[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
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

  /** The first position of the largest of {@code sims[0..count)} ({@code count >= 1}). */
  private static int argmax(float[] sims, int count) {
    int arg = 0;
    float best = sims[0];
    for (int t = 1; t < count; t++) {
      if (sims[t] > best) {
        best = sims[t];
        arg = t;
      }
    }
    return arg;
  }

  private static Pruning result(boolean[] kept, Statistic s, int[] duplicateOf) {
    if (duplicateOf == null) {
      duplicateOf = new int[kept.length];
      Arrays.fill(duplicateOf, -1);
    }
    List<Integer> keep = new ArrayList<>();
    List<Integer> prune = new ArrayList<>();
    for (int i = 0; i < kept.length; i++) {
      (kept[i] ? keep : prune).add(i);
    }
    return new Pruning(keep.stream().mapToInt(Integer::intValue).toArray(),
        prune.stream().mapToInt(Integer::intValue).toArray(), s.m, s.nearest, duplicateOf, s.comparisons, s.exact);
  }
}
