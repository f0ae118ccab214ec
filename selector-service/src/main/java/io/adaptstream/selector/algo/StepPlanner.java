package io.adaptstream.selector.algo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One whole selection step in one JVM: sample the pool into a {@link Reservoir}, fit (warm-started) k-means on it,
 * assign every member, plan budgets from the global counts, and run {@link ClusterSelector} on every cluster.
 *
 * <p>This is the reference for the distributed topology, which does the same work split by cluster and must give
 * the same plan for the same members, settings and previous centroids. Members may come in any order: they are
 * sorted by id here, as the topology sorts what it gathers from several partitions.
 */
public final class StepPlanner {

  /**
   * Algorithm settings for a step.
   *
   * @param experimentSeed seeds everything (with the step and cluster id)
   * @param step the time step; part of every seed
   * @param trainingBudget samples to train on per step (before the policy's factor)
   * @param poolCap pool members kept after pruning (before the policy's factor)
   * @param kmeans k-means settings
   * @param reservoirCapacity how many sketches k-means is fitted on
   * @param entropyMode how the multi-way choice bins scores
   * @param maxPairwise SemDeDup's per-cluster cap on exact pairwise comparison
   * @param rules the small-budget rules (CCS strata, pruning timing and statistic)
   */
  public record Settings(long experimentSeed, int step, long trainingBudget, long poolCap, KMeans.Config kmeans,
      int reservoirCapacity, ScorerChoice.Mode entropyMode, int maxPairwise, ClusterSelector.Rules rules) {

    /** Settings with the default rules. */
    public Settings(long experimentSeed, int step, long trainingBudget, long poolCap, KMeans.Config kmeans,
        int reservoirCapacity, ScorerChoice.Mode entropyMode, int maxPairwise) {
      this(experimentSeed, step, trainingBudget, poolCap, kmeans, reservoirCapacity, entropyMode, maxPairwise,
          ClusterSelector.Rules.defaults());
    }

    /** Defaults for everything but the seed, step and budgets. */
    public static Settings defaults(long experimentSeed, int step, long trainingBudget, long poolCap) {
      return new Settings(experimentSeed, step, trainingBudget, poolCap, KMeans.Config.defaults(),
          Reservoir.DEFAULT_CAPACITY, ScorerChoice.Mode.STANDARDISED, SemDeDup.DEFAULT_MAX_PAIRWISE);
    }

    public Settings withKMeans(KMeans.Config config) {
      return new Settings(experimentSeed, step, trainingBudget, poolCap, config, reservoirCapacity, entropyMode,
          maxPairwise, rules);
    }

    public Settings withStep(int newStep) {
      return new Settings(experimentSeed, newStep, trainingBudget, poolCap, kmeans, reservoirCapacity, entropyMode,
          maxPairwise, rules);
    }

    public Settings withRules(ClusterSelector.Rules newRules) {
      return new Settings(experimentSeed, step, trainingBudget, poolCap, kmeans, reservoirCapacity, entropyMode,
          maxPairwise, newRules);
    }
  }

  /**
   * A step's plan.
   *
   * @param clustering the k-means fit (its centroids warm-start the next step); empty for single-cluster policies
   * @param clusterOf every member's cluster
   * @param budgets the per-cluster budgets
   * @param decisions one per cluster, by cluster id
   */
  public record StepPlan(Optional<KMeans.Result> clustering, SortedMap<String, Integer> clusterOf,
      StepBudgets budgets, List<ClusterDecision> decisions) {

    /** Every selected sample, in id order. */
    public List<ClusterDecision.Selected> selected() {
      return decisions.stream().flatMap(d -> d.selected().stream())
          .sorted(Comparator.comparing(ClusterDecision.Selected::id)).toList();
    }

    /** Every selected id. */
    public SortedSet<String> selectedIds() {
      TreeSet<String> ids = new TreeSet<>();
      decisions.forEach(d -> d.selected().forEach(s -> ids.add(s.id())));
      return ids;
    }

    /** The decisions' diagnostics summed over clusters. */
    public ClusterDecision.Diagnostics diagnostics() {
      ClusterDecision.Diagnostics sum = ClusterDecision.Diagnostics.NONE;
      for (ClusterDecision d : decisions) {
        sum = sum.plus(d.diagnostics());
      }
      return sum;
    }

    /** Every pruned id. */
    public SortedSet<String> prunedIds() {
      TreeSet<String> ids = new TreeSet<>();
      decisions.forEach(d -> ids.addAll(d.pruned()));
      return ids;
    }

    /** The centroids to carry to the next step, or null for single-cluster policies. */
    public float[][] centroids() {
      return clustering.map(KMeans.Result::centroids).orElse(null);
    }
  }

  private final SelectionPolicy policy;
  private final Settings settings;
  private final ClusterSelector selector;

  public StepPlanner(SelectionPolicy policy, Settings settings) {
    this.policy = policy;
    this.settings = settings;
    this.selector = new ClusterSelector(policy, new ScorerChoice(settings.entropyMode()), settings.maxPairwise(),
        settings.rules());
  }

  /**
   * Plans the step.
   *
   * @param members the pool plus the new release, any order, unique ids
   * @param previousCentroids the previous step's centroids, or null on the first step
   */
  public StepPlan plan(Collection<Member> members, float[][] previousCentroids) {
    TreeMap<String, Member> byId = new TreeMap<>();
    for (Member m : members) {
      if (byId.put(m.id(), m) != null) {
        throw new IllegalArgumentException("duplicate sample id " + m.id());
      }
    }
    Optional<KMeans.Result> clustering = Optional.empty();
    TreeMap<String, Integer> clusterOf = new TreeMap<>();
    int k = 1;
    if (policy.clustering() == SelectionPolicy.Clustering.GRADIENT_KMEANS && !byId.isEmpty()) {
      Reservoir<float[]> reservoir =
          new Reservoir<>(settings.reservoirCapacity(), Seeds.forReservoir(settings.experimentSeed()));
      for (Member m : byId.values()) {
        if (m.sketch() == null) {
          throw new IllegalArgumentException("sample " + m.id() + " has no gradient sketch; clustering needs one");
        }
        reservoir.offer(m.id(), m.sketch());
      }
      KMeans.Result fit = new KMeans(settings.kmeans()).fit(new ArrayList<>(reservoir.byId().values()),
          previousCentroids, Seeds.forClustering(settings.experimentSeed(), settings.step()));
      clustering = Optional.of(fit);
      k = fit.k();
      for (Member m : byId.values()) {
        clusterOf.put(m.id(), fit.assign(m.sketch()));
      }
    } else {
      byId.keySet().forEach(id -> clusterOf.put(id, 0));
    }
    List<List<Member>> byCluster = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      byCluster.add(new ArrayList<>());
    }
    long[] sizes = new long[k];
    long[] fresh = new long[k];
    for (Member m : byId.values()) {
      int c = clusterOf.get(m.id());
      byCluster.get(c).add(m);
      sizes[c]++;
      if (m.fresh()) {
        fresh[c]++;
      }
    }
    StepBudgets budgets = StepBudgets.plan(policy, sizes, fresh, settings.trainingBudget(), settings.poolCap(),
        settings.rules().pruneTiming());
    List<ClusterDecision> decisions = new ArrayList<>(k);
    for (int c = 0; c < k; c++) {
      decisions.add(selector.decide(c, byCluster.get(c), budgets.train()[c], budgets.keep()[c],
          Seeds.forCluster(settings.experimentSeed(), settings.step(), c)));
    }
    return new StepPlan(clustering, clusterOf, budgets, decisions);
  }
}
