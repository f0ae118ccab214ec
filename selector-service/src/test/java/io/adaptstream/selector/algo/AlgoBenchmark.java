package io.adaptstream.selector.algo;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Shows that a selection step's cost is bounded as the pool grows: k-means is fitted on a fixed-size reservoir
 * and SemDeDup compares at most {@code maxPairwise / 2} neighbours per member above its cap. Prints one row per
 * pool size: the main thread's CPU milliseconds (best of a few runs), which, unlike wall time, other processes on
 * a shared machine do not inflate; everything measured runs on that one thread.
 *
 * <p>Run after {@code mvn -pl selector-service test-compile}:
 * {@code java -cp selector-service/target/classes:selector-service/target/test-classes
 * io.adaptstream.selector.algo.AlgoBenchmark [sizes...]}
 */
public final class AlgoBenchmark {

  private static final int SKETCH_DIM = 512;
  private static final int EMBEDDING_DIM = 128;
  private static final int SKILLS = 10;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) {
    int[] sizes = args.length > 0 ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
        : new int[] {1_000, 5_000, 20_000, 50_000};
    System.out.printf(Locale.ROOT, "sketch dim %d, embedding dim %d, k %d, reservoir %d, maxPairwise %d, %d cpus%n",
        SKETCH_DIM, EMBEDDING_DIM, KMeans.DEFAULT_K, Reservoir.DEFAULT_CAPACITY, SemDeDup.DEFAULT_MAX_PAIRWISE,
        Runtime.getRuntime().availableProcessors());
    System.out.println("thread CPU ms, best of 3 (1 above 5k)");
    System.out.println("| pool | reservoir fill | k-means cold (iters) | k-means warm (iters) | assign all "
        + "| prune 10 clusters to cap/2 | prune pool as 1 cluster (dot products) | adapt step total |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    run(sizes[0], true); // JIT warm-up, not printed
    for (int n : sizes) {
      run(n, false);
    }
  }

  private static void run(int n, boolean warmUp) {
    List<Member> pool = pool(n, 1);
    int reps = n <= 5_000 ? 3 : 1;
    KMeans kmeans = new KMeans(KMeans.Config.defaults().withoutNewClusters());

    Timed<Reservoir<float[]>> fill = best(reps, () -> {
      Reservoir<float[]> r = new Reservoir<>(Reservoir.DEFAULT_CAPACITY, 7);
      pool.forEach(m -> r.offer(m.id(), m.sketch()));
      return r;
    });
    List<float[]> sample = new ArrayList<>(fill.value.byId().values());
    Timed<KMeans.Result> cold = best(reps, () -> kmeans.fit(sample, 3));
    List<float[]> nextSample = new ArrayList<>();
    Reservoir<float[]> next = new Reservoir<>(Reservoir.DEFAULT_CAPACITY, 7);
    pool(n, 2).forEach(m -> next.offer(m.id(), m.sketch()));
    nextSample.addAll(next.byId().values());
    Timed<KMeans.Result> warm = best(reps, () -> kmeans.fit(nextSample, cold.value.centroids(), 4));
    Timed<int[]> assign = best(reps, () -> pool.stream().mapToInt(m -> cold.value.assign(m.sketch())).toArray());

    List<List<float[]>> byCluster = new ArrayList<>();
    for (int c = 0; c < cold.value.k(); c++) {
      byCluster.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      byCluster.get(assign.value[i]).add(pool.get(i).embedding());
    }
    SemDeDup dedup = new SemDeDup();
    Timed<Long> prune = best(reps, () -> {
      long comparisons = 0;
      for (List<float[]> members : byCluster) {
        comparisons += dedup.keep(members, members.size() / 2, 5).comparisons();
      }
      return comparisons;
    });
    List<float[]> all = pool.stream().map(Member::embedding).toList();
    Timed<Long> pruneOne = best(reps, () -> dedup.keep(all, n / 2, 5).comparisons());
    StepPlanner planner = new StepPlanner(SelectionPolicy.byName("adapt"),
        StepPlanner.Settings.defaults(1, 1, n / 10, n / 2));
    Timed<StepPlanner.StepPlan> step = best(reps, () -> planner.plan(pool, cold.value.centroids()));
    if (!warmUp) {
      System.out.printf(Locale.ROOT, "| %,d | %d | %d (%d) | %d (%d) | %d | %d | %d (%,d) | %d |%n", n, fill.millis,
          cold.millis, cold.value.iterations(), warm.millis, warm.value.iterations(), assign.millis, prune.millis,
          pruneOne.millis, pruneOne.value, step.millis);
    }
  }

  private record Timed<T>(T value, long millis) {}

  private static <T> Timed<T> best(int reps, Supplier<T> work) {
    T value = null;
    long bestNanos = Long.MAX_VALUE;
    for (int r = 0; r < reps; r++) {
      long start = THREADS.getCurrentThreadCpuTime();
      value = work.get();
      bestNanos = Math.min(bestNanos, THREADS.getCurrentThreadCpuTime() - start);
    }
    return new Timed<>(value, bestNanos / 1_000_000);
  }

  /** n members over 10 overlapping skills; sketches and embeddings around the skill's axis. */
  private static List<Member> pool(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Member> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int skill = random.nextInt(SKILLS);
      out.add(Member.of(Long.toHexString(Seeds.hash(seed, "m" + i)), i % 5 == 0,
          Fixtures.around(SKETCH_DIM, skill, 0.05, random), Fixtures.around(EMBEDDING_DIM, skill, 0.1, random),
          Math.exp(1 + 0.5 * Fixtures.gaussian(random)), random.nextDouble(), 2 + 0.3 * Fixtures.gaussian(random),
          1 + 0.2 * Fixtures.gaussian(random), random.nextDouble()));
    }
    return out;
  }

  private AlgoBenchmark() {}
}
