package io.adaptstream.selector.algo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Spherical k-means for pseudo-task clustering of L2-normalised gradient sketches.
 *
 * <p>Geometry: points and centroids are unit vectors and a point belongs to the centroid with the highest cosine;
 * a centroid is the normalised mean of its members. On the unit sphere {@code |x - c|^2 = 2 - 2 cos(x, c)}, so
 * this is Euclidean k-means with centroids projected back onto the sphere, which keeps the cosine geometry the
 * gradient features were normalised for. Inertia is reported as {@code sum(1 - cos)} (half the Euclidean
 * inertia).
 *
 * <p>Determinism: points are taken in the order given (callers pass them sorted by sample id), every random choice
 * comes from the seed, and ties go to the lower cluster id or point index. The same points, seed and previous
 * centroids give bit-identical results.
 *
 * <ul>
 *   <li><b>Cold start</b>: greedy k-means++ seeding (first centroid uniform, then the best of a few draws
 *       proportional to squared distance). When
 *       the points have fewer than k distinct directions, fewer centroids are returned.
 *   <li><b>Warm start</b>: Lloyd iterations start from the previous step's centroids, so cluster c at step t is
 *       the same pseudo-skill as cluster c at step t-1 (ids are positions in the centroid array and never
 *       reorder). If the previous step had fewer than k centroids, k-means++ adds the missing ones after them.
 *   <li><b>New skill</b>, on a warm start only, by {@link NewClusters}:
 *       <ul>
 *         <li>{@code CALIBRATED} (default; a documented deviation): before the fit, each point's distance
 *             {@code 1 - cos} to its nearest known centroid (the previous step's) is measured; a point is far
 *             when it exceeds the 99th percentile of those distances. The normalised mean of the far points is a
 *             candidate centroid (refined once to the mean of the points it would take). It opens, with the next
 *             id, only when at least {@code newClusterMinPoints} points are closer to it than to their centroid
 *             AND it cuts their median distance to at most 3/4 of what it was: a new, separated group passes;
 *             the outer shell of the known clusters (which any percentile cuts off) does not, since its points
 *             are no closer to one new direction than to their own centroid. The test repeats with the new
 *             centroid counted, while fewer than {@code maxK} centroids exist; then Lloyd runs. The threshold
 *             moves with the data's own spread, so it does not fire on diffuse high-dimensional sketches as a
 *             fixed cosine does.
 *         <li>{@code REFERENCE}: when at least {@code newClusterMinPoints} points have cosine below
 *             {@code newClusterMaxCosine} to every centroid, the farthest of them (lowest best cosine, ties by
 *             index) becomes a new centroid with the next id before the fit; this repeats, farthest-first, while
 *             enough far points remain and fewer than {@code maxK} centroids exist. With 256-dimensional sketches
 *             nearly every point is below cosine 0.3, so this opened clusters at almost every step (k = 2k from
 *             step 2), halving every cluster's budget.
 *         <li>{@code OFF}: k stays fixed.
 *       </ul>
 *       Defaults: 20 points, maxK = 2k (reference cosine 0.3).
 *   <li><b>Lloyd</b> until the largest centroid move is at most {@code tolerance} (Euclidean, on the sphere) or
 *       {@code maxIterations} is reached.
 *   <li><b>Empty cluster</b>: re-seeded with the point farthest from its own centroid (lowest cosine; ties by
 *       index; only from clusters with more than one member), which moves into the empty cluster.
 * </ul>
 *
 * <p>Cost is O(iterations * n * k * dim); fit it on a {@link Reservoir} sample and {@link #assign} the rest.
 */
public final class KMeans {

  public static final int DEFAULT_K = 10;
  public static final int DEFAULT_MAX_ITERATIONS = 100;
  public static final double DEFAULT_TOLERANCE = 1e-4;
  public static final double DEFAULT_NEW_CLUSTER_MAX_COSINE = 0.3;
  public static final int DEFAULT_NEW_CLUSTER_MIN_POINTS = 20;
  /** {@code CALIBRATED}: the quantile of fitted distances beyond which a point is far. */
  public static final double NEW_CLUSTER_QUANTILE = 0.99;
  /** {@code CALIBRATED}: a candidate must bring its members' median distance to at most this fraction. */
  public static final double NEW_CLUSTER_GAIN = 0.75;

  /** When a warm start may open clusters for a new skill (see the class doc). */
  public enum NewClusters { CALIBRATED, REFERENCE, OFF }

  /**
   * Settings.
   *
   * @param k clusters on a cold start (and the minimum on a warm one)
   * @param maxIterations Lloyd iteration cap
   * @param tolerance convergence threshold on the largest centroid move
   * @param maxK upper bound on clusters when new ones are opened; {@code maxK == k} disables opening
   * @param newClusterMaxCosine a point is "far" when its best cosine to the centroids is below this
   * @param newClusterMinPoints how many far points justify a new cluster
   * @param newClusters which new-skill rule applies
   */
  public record Config(int k, int maxIterations, double tolerance, int maxK, double newClusterMaxCosine,
      int newClusterMinPoints, NewClusters newClusters) {
    public Config {
      if (k < 1) {
        throw new IllegalArgumentException("k must be >= 1, got " + k);
      }
      if (maxIterations < 1) {
        throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
      }
      if (!(tolerance >= 0)) {
        throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
      }
      if (maxK < k) {
        throw new IllegalArgumentException("maxK (" + maxK + ") must be >= k (" + k + ")");
      }
      if (newClusterMinPoints < 1) {
        throw new IllegalArgumentException("newClusterMinPoints must be >= 1, got " + newClusterMinPoints);
      }
      java.util.Objects.requireNonNull(newClusters, "newClusters");
    }

    /** k = 10, 100 iterations, tolerance 1e-4, calibrated new clusters (>= 20 points) up to 20. */
    public static Config defaults() {
      return withK(DEFAULT_K);
    }

    /** The defaults with another k (maxK = 2k). */
    public static Config withK(int k) {
      return new Config(k, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE, 2 * k, DEFAULT_NEW_CLUSTER_MAX_COSINE,
          DEFAULT_NEW_CLUSTER_MIN_POINTS, NewClusters.CALIBRATED);
    }

    /** This config with new-cluster opening disabled. */
    public Config withoutNewClusters() {
      return new Config(k, maxIterations, tolerance, k, newClusterMaxCosine, newClusterMinPoints, NewClusters.OFF);
    }

    /** This config with another new-skill rule ({@code OFF} also sets maxK = k). */
    public Config withNewClusters(NewClusters rule) {
      return rule == NewClusters.OFF ? withoutNewClusters()
          : new Config(k, maxIterations, tolerance, maxK, newClusterMaxCosine, newClusterMinPoints, rule);
    }
  }

  /**
   * A fitted clustering.
   *
   * @param centroids unit centroids; cluster id = index
   * @param iterations Lloyd iterations run
   * @param converged whether the tolerance was met before the iteration cap
   * @param inertia {@code sum(1 - cos(point, its centroid))} over the fitted points
   * @param sizes fitted points per cluster
   * @param assignments each fitted point's cluster, in input order
   * @param warmStarted whether previous centroids were used
   * @param opened clusters opened by the new-skill rule
   */
  public record Result(float[][] centroids, int iterations, boolean converged, double inertia, long[] sizes,
      int[] assignments, boolean warmStarted, int opened) {

    public int k() {
      return centroids.length;
    }

    /** The cluster of any vector (need not be normalised). */
    public int assign(float[] vector) {
      return KMeans.assign(centroids, vector);
    }
  }

  private final Config config;

  public KMeans(Config config) {
    this.config = config;
  }

  public Config config() {
    return config;
  }

  /** The centroid with the highest cosine to {@code vector}; ties to the lower id. */
  public static int assign(float[][] centroids, float[] vector) {
    if (centroids.length == 0) {
      throw new IllegalArgumentException("no centroids");
    }
    int best = 0;
    double bestDot = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < centroids.length; c++) {
      double d = UnitVector.dot(centroids[c], vector);
      if (d > bestDot) {
        bestDot = d;
        best = c;
      }
    }
    return best;
  }

  /** Cold start. */
  public Result fit(List<float[]> points, long seed) {
    return fit(points, null, seed);
  }

  /**
   * Fits on {@code points} (in sample-id order), warm-starting from {@code previous} when it is not null or
   * empty.
   */
  public Result fit(List<float[]> points, float[][] previous, long seed) {
    boolean warm = previous != null && previous.length > 0;
    if (points.isEmpty()) {
      if (!warm) {
        throw new IllegalArgumentException("k-means needs at least one point on a cold start");
      }
      float[][] kept = normaliseAll(List.of(previous), "previous centroid");
      return new Result(kept, 0, true, 0.0, new long[kept.length], new int[0], true, 0);
    }
    float[][] x = normaliseAll(points, "point");
    int dim = x[0].length;
    SplittableRandom random = new SplittableRandom(seed);
    List<float[]> centroids = new ArrayList<>();
    int opened = 0;
    if (warm) {
      for (float[] c : normaliseAll(List.of(previous), "previous centroid")) {
        requireDim(c, dim, "previous centroid");
        centroids.add(c);
      }
    }
    seedPlusPlus(x, centroids, Math.max(config.k(), centroids.size()), random);
    if (warm && config.newClusters() == NewClusters.REFERENCE) {
      opened = openNewClusters(x, centroids, this::referenceCandidate);
    } else if (warm && config.newClusters() == NewClusters.CALIBRATED) {
      opened = openNewClusters(x, centroids, this::calibratedCandidate);
    }
    Lloyd fit = lloyd(x, centroids.toArray(new float[0][]));
    int iterations = fit.iterations;
    long[] sizes = new long[fit.centroids.length];
    double inertia = 0;
    for (int i = 0; i < x.length; i++) {
      sizes[fit.assignment[i]]++;
      inertia += 1.0 - fit.best[i];
    }
    return new Result(fit.centroids, iterations, fit.converged, inertia, sizes, fit.assignment, warm, opened);
  }

  /** A Lloyd run's outcome; {@code best} is each point's cosine to its centroid. */
  private record Lloyd(float[][] centroids, int[] assignment, double[] best, int iterations, boolean converged) {}

  private Lloyd lloyd(float[][] x, float[][] start) {
    float[][] c = start;
    int[] assignment = new int[x.length];
    int iterations = 0;
    boolean converged = false;
    while (iterations < config.maxIterations()) {
      iterations++;
      assignAll(x, c, assignment);
      repairEmpty(x, c, assignment);
      float[][] next = means(x, c, assignment);
      double shift = 0;
      for (int j = 0; j < c.length; j++) {
        shift = Math.max(shift, distance(c[j], next[j]));
      }
      c = next;
      if (shift <= config.tolerance()) {
        converged = true;
        break;
      }
    }
    double[] best = assignAll(x, c, assignment);
    return new Lloyd(c, assignment, best, iterations, converged);
  }

  /**
   * The calibrated new-skill test (class doc): a candidate centroid for the points beyond the 99th percentile of
   * the distances to the known centroids, or null when it would not take at least {@code newClusterMinPoints}
   * points or would not cut their median distance to {@link #NEW_CLUSTER_GAIN} of what it was.
   */
  private float[] calibratedCandidate(float[][] x, double[] best) {
    double[] distances = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      distances[i] = 1.0 - best[i];
    }
    double[] sorted = distances.clone();
    Arrays.sort(sorted);
    double threshold = sorted[Math.min(x.length - 1, (int) Math.floor(x.length * NEW_CLUSTER_QUANTILE))];
    boolean[] far = new boolean[x.length];
    boolean any = false;
    for (int i = 0; i < x.length; i++) {
      far[i] = distances[i] > threshold;
      any |= far[i];
    }
    if (!any) {
      return null;
    }
    float[] candidate = meanDirection(x, far);
    if (candidate == null) {
      return null;
    }
    // refine once: the mean of the points the candidate would take
    boolean[] taken = takenBy(x, candidate, best);
    float[] refined = meanDirection(x, taken);
    if (refined == null) {
      return null;
    }
    taken = takenBy(x, refined, best);
    int count = 0;
    for (boolean t : taken) {
      count += t ? 1 : 0;
    }
    if (count < config.newClusterMinPoints()) {
      return null;
    }
    double[] before = new double[count];
    double[] after = new double[count];
    int r = 0;
    for (int i = 0; i < x.length; i++) {
      if (taken[i]) {
        before[r] = distances[i];
        after[r] = 1.0 - UnitVector.dot(refined, x[i]);
        r++;
      }
    }
    return median(after) <= NEW_CLUSTER_GAIN * median(before) ? refined : null;
  }

  /** Points closer (in cosine) to {@code candidate} than to their own centroid. */
  private static boolean[] takenBy(float[][] x, float[] candidate, double[] best) {
    boolean[] taken = new boolean[x.length];
    for (int i = 0; i < x.length; i++) {
      taken[i] = UnitVector.dot(candidate, x[i]) > best[i];
    }
    return taken;
  }

  /** Normalised mean of the selected points; null when none is selected or they cancel out. */
  private static float[] meanDirection(float[][] x, boolean[] selected) {
    int dim = x[0].length;
    double[] sum = new double[dim];
    int count = 0;
    for (int i = 0; i < x.length; i++) {
      if (selected[i]) {
        count++;
        for (int d = 0; d < dim; d++) {
          sum[d] += x[i][d];
        }
      }
    }
    double sq = 0;
    for (double v : sum) {
      sq += v * v;
    }
    if (count == 0 || !(sq > 1e-24)) {
      return null;
    }
    double inv = 1.0 / Math.sqrt(sq);
    float[] out = new float[dim];
    for (int d = 0; d < dim; d++) {
      out[d] = (float) (sum[d] * inv);
    }
    return out;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * Greedy k-means++ (as scikit-learn): each new centroid is the best of {@code 2 + floor(ln k)} candidates drawn
   * proportionally to squared distance, "best" meaning the lowest total squared distance afterwards (ties to the
   * earlier draw). Plain k-means++ sometimes seeds two centroids in one blob and then needs many Lloyd
   * iterations to separate them. Stops early when every point coincides with a centroid.
   */
  private static void seedPlusPlus(float[][] x, List<float[]> centroids, int target, SplittableRandom random) {
    if (centroids.size() >= target) {
      return;
    }
    if (centroids.isEmpty()) {
      centroids.add(x[random.nextInt(x.length)].clone());
    }
    int trials = 2 + (int) Math.floor(Math.log(target));
    double[] best = new double[x.length];
    Arrays.fill(best, Double.NEGATIVE_INFINITY);
    for (float[] c : centroids) {
      updateBest(x, c, best);
    }
    double[] d2 = new double[x.length];
    while (centroids.size() < target) {
      double total = 0;
      for (int i = 0; i < x.length; i++) {
        d2[i] = Math.max(0.0, 2.0 - 2.0 * best[i]);
        total += d2[i];
      }
      if (!(total > 1e-12)) {
        return; // every point coincides with a centroid: no more distinct directions
      }
      int chosen = -1;
      double chosenPotential = Double.POSITIVE_INFINITY;
      for (int t = 0; t < trials; t++) {
        int candidate = draw(d2, total, random);
        double potential = 0;
        for (int i = 0; i < x.length; i++) {
          double cos = Math.max(best[i], UnitVector.dot(x[candidate], x[i]));
          potential += Math.max(0.0, 2.0 - 2.0 * cos);
        }
        if (potential < chosenPotential) {
          chosenPotential = potential;
          chosen = candidate;
        }
      }
      float[] c = x[chosen].clone();
      centroids.add(c);
      updateBest(x, c, best);
    }
  }

  /** A point index drawn with probability proportional to {@code weights}; only positive weights are drawn. */
  private static int draw(double[] weights, double total, SplittableRandom random) {
    double u = random.nextDouble() * total;
    double cumulative = 0;
    int last = -1;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] > 0) {
        cumulative += weights[i];
        last = i;
        if (cumulative > u) {
          return i;
        }
      }
    }
    return last;
  }

  /** A rule's next new centroid, given every point's best cosine to the centroids so far; null: open no more. */
  private interface NewCentroid {
    float[] next(float[][] x, double[] best);
  }

  /**
   * The new-skill loop shared by both rules: opens centroids while {@code rule} proposes one and fewer than
   * {@code maxK} exist; returns how many were added.
   */
  private int openNewClusters(float[][] x, List<float[]> centroids, NewCentroid rule) {
    double[] best = new double[x.length];
    Arrays.fill(best, Double.NEGATIVE_INFINITY);
    for (float[] c : centroids) {
      updateBest(x, c, best);
    }
    int opened = 0;
    while (centroids.size() < config.maxK()) {
      float[] candidate = rule.next(x, best);
      if (candidate == null) {
        break;
      }
      centroids.add(candidate);
      updateBest(x, candidate, best);
      opened++;
    }
    return opened;
  }

  /**
   * The reference new-skill test: the farthest point, when at least {@code newClusterMinPoints} points have a
   * cosine below {@code newClusterMaxCosine} to every centroid; null otherwise.
   */
  private float[] referenceCandidate(float[][] x, double[] best) {
    int far = 0;
    int farthest = -1;
    for (int i = 0; i < x.length; i++) {
      if (best[i] < config.newClusterMaxCosine()) {
        far++;
        if (farthest < 0 || best[i] < best[farthest]) {
          farthest = i;
        }
      }
    }
    return far < config.newClusterMinPoints() ? null : x[farthest].clone();
  }

  /** Assigns every point; returns each point's cosine to its centroid. */
  private static double[] assignAll(float[][] x, float[][] c, int[] assignment) {
    double[] best = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      int arg = 0;
      double bestDot = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < c.length; j++) {
        double d = UnitVector.dot(c[j], x[i]);
        if (d > bestDot) {
          bestDot = d;
          arg = j;
        }
      }
      assignment[i] = arg;
      best[i] = bestDot;
    }
    return best;
  }

  private static void repairEmpty(float[][] x, float[][] c, int[] assignment) {
    int[] sizes = new int[c.length];
    for (int a : assignment) {
      sizes[a]++;
    }
    boolean[] moved = new boolean[x.length];
    for (int j = 0; j < c.length; j++) {
      if (sizes[j] > 0) {
        continue;
      }
      int farthest = -1;
      double farthestCos = Double.POSITIVE_INFINITY;
      for (int i = 0; i < x.length; i++) {
        if (moved[i] || sizes[assignment[i]] < 2) {
          continue;
        }
        double cos = UnitVector.dot(c[assignment[i]], x[i]);
        if (cos < farthestCos) {
          farthestCos = cos;
          farthest = i;
        }
      }
      if (farthest < 0) {
        continue; // fewer points than clusters: the centroid keeps its place
      }
      sizes[assignment[farthest]]--;
      assignment[farthest] = j;
      sizes[j]++;
      moved[farthest] = true;
    }
  }

  /** Normalised member means; a cluster with no members (or members that cancel out) keeps its centroid. */
  private static float[][] means(float[][] x, float[][] c, int[] assignment) {
    int dim = x[0].length;
    double[][] sum = new double[c.length][dim];
    int[] count = new int[c.length];
    for (int i = 0; i < x.length; i++) {
      double[] s = sum[assignment[i]];
      float[] p = x[i];
      for (int d = 0; d < dim; d++) {
        s[d] += p[d];
      }
      count[assignment[i]]++;
    }
    float[][] next = new float[c.length][];
    for (int j = 0; j < c.length; j++) {
      double sq = 0;
      for (double v : sum[j]) {
        sq += v * v;
      }
      if (count[j] == 0 || !(sq > 0)) {
        next[j] = c[j];
        continue;
      }
      double inv = 1.0 / Math.sqrt(sq);
      float[] out = new float[dim];
      for (int d = 0; d < dim; d++) {
        out[d] = (float) (sum[j][d] * inv);
      }
      next[j] = out;
    }
    return next;
  }

  private static void updateBest(float[][] x, float[] c, double[] best) {
    for (int i = 0; i < x.length; i++) {
      best[i] = Math.max(best[i], UnitVector.dot(c, x[i]));
    }
  }

  private static double distance(float[] a, float[] b) {
    double sq = 0;
    for (int d = 0; d < a.length; d++) {
      double diff = a[d] - b[d];
      sq += diff * diff;
    }
    return Math.sqrt(sq);
  }

  private static float[][] normaliseAll(List<float[]> vectors, String what) {
    float[][] out = new float[vectors.size()][];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = UnitVector.of(vectors.get(i));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(what + " " + i + ": " + e.getMessage(), e);
      }
      requireDim(out[i], out[0].length, what);
    }
    return out;
  }

  private static void requireDim(float[] v, int dim, String what) {
    if (v.length != dim) {
      throw new IllegalArgumentException(what + " has dimension " + v.length + ", expected " + dim);
    }
  }
}
