package io.adaptstream.selector.algo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A selection method as data, so the method and every baseline of the paper run through the same code
 * ({@link StepPlanner}, {@link ClusterSelector} and the distributed topology) and differ only in these fields.
 *
 * <p>LITE: the paper's light variant trains on a quarter of the data (25k vs 100k samples, per the reviews). How
 * it shrinks the pool is not in any accessible source; here it also keeps a quarter of the pool cap, so its
 * per-step scoring cost (one forward and backward pass per pool sample) shrinks by the same factor. Both factors
 * are fields, so another reading is a new policy, not new code.
 *
 * @param name the name {@link #byName} knows it by
 * @param clustering gradient k-means clusters, or the whole pool as one cluster
 * @param scorer multi-way (highest-entropy scorer per cluster), one fixed scorer, or none
 * @param fixedScorer the scorer when {@code scorer == FIXED}
 * @param sampler how samples are picked inside a cluster
 * @param pool what the pool keeps after the step
 * @param budget whether the training budget applies or every candidate is trained on
 * @param allocation how the training budget is split over clusters
 * @param budgetFactor multiplier on the configured training budget
 * @param poolCapFactor multiplier on the configured pool cap
 * @param scorerPool scorers the multi-way choice considers, in tie-breaking order
 */
public record SelectionPolicy(String name, Clustering clustering, ScorerMode scorer, Optional<Scorer> fixedScorer,
    Sampler sampler, Pool pool, Budget budget, Allocation allocation, double budgetFactor, double poolCapFactor,
    List<Scorer> scorerPool) {

  /** How the pool is split into pseudo-tasks. */
  public enum Clustering { GRADIENT_KMEANS, SINGLE }

  /** Which score ranks a cluster. */
  public enum ScorerMode { MULTI_WAY, FIXED, NONE }

  /** How a cluster's training samples are drawn. */
  public enum Sampler { CCS, UNIFORM, ALL }

  /**
   * The pool after a step. {@code PRUNE_TO_CAP}: SemDeDup down to the (factored) pool cap, after selection by
   * default ({@link ClusterSelector.PruneTiming}).
   * {@code KEEP_ALL}: nothing is removed. {@code NEW_RELEASE_ONLY}: only the step's fresh samples are candidates,
   * and afterwards every member leaves the pool (nothing is replayed later).
   */
  public enum Pool { PRUNE_TO_CAP, KEEP_ALL, NEW_RELEASE_ONLY }

  /** Whether the training budget applies. */
  public enum Budget { FIXED, ALL }

  /** Budget split over clusters: water-filled equal shares, or proportional to size (stratified uniform). */
  public enum Allocation { EQUAL, PROPORTIONAL }

  public SelectionPolicy {
    Objects.requireNonNull(name, "name");
    fixedScorer = fixedScorer == null ? Optional.empty() : fixedScorer;
    if ((scorer == ScorerMode.FIXED) != fixedScorer.isPresent()) {
      throw new IllegalArgumentException("policy " + name + ": a fixed scorer is needed exactly when scorer=FIXED");
    }
    if (sampler == Sampler.ALL && budget != Budget.ALL) {
      throw new IllegalArgumentException("policy " + name + ": sampler ALL takes every candidate, so budget must be ALL");
    }
    if (sampler == Sampler.CCS && scorer == ScorerMode.NONE) {
      throw new IllegalArgumentException("policy " + name + ": CCS needs a scorer");
    }
    if (!(budgetFactor > 0 && budgetFactor <= 1) || !(poolCapFactor > 0 && poolCapFactor <= 1)) {
      throw new IllegalArgumentException("policy " + name + ": factors must be in (0, 1]");
    }
    if (scorerPool.isEmpty()) {
      throw new IllegalArgumentException("policy " + name + ": scorer pool is empty");
    }
    scorerPool = List.copyOf(scorerPool);
  }

  /** The light variant's training-budget and pool-cap factor. */
  public static final double LITE_FACTOR = 0.25;

  private static final Map<String, SelectionPolicy> BUILT_IN = builtIn();

  /** Every built-in policy by name, in a stable order. */
  public static Map<String, SelectionPolicy> all() {
    return BUILT_IN;
  }

  /**
   * A built-in policy: adapt, lite, sequential, random, el2n, entropy, perplexity, grounding, semdedup, multitask.
   *
   * @throws IllegalArgumentException naming the valid policies when {@code name} is not one
   */
  public static SelectionPolicy byName(String name) {
    SelectionPolicy p = name == null ? null : BUILT_IN.get(name.trim().toLowerCase(Locale.ROOT));
    if (p == null) {
      throw new IllegalArgumentException("unknown selection policy '" + name + "'; valid: "
          + String.join(", ", BUILT_IN.keySet()));
    }
    return p;
  }

  /** The training budget this policy uses, from the configured one. */
  public long effectiveBudget(long configuredBudget) {
    return budget == Budget.ALL ? Long.MAX_VALUE : scaled(configuredBudget, budgetFactor);
  }

  /** The pool cap this policy prunes to, from the configured one. */
  public long effectivePoolCap(long configuredCap) {
    return pool == Pool.PRUNE_TO_CAP ? scaled(configuredCap, poolCapFactor) : Long.MAX_VALUE;
  }

  /** This policy with the multi-way choice over another pool of scorers. */
  public SelectionPolicy withScorerPool(List<Scorer> pool) {
    return new SelectionPolicy(name, clustering, scorer, fixedScorer, sampler, this.pool, budget, allocation,
        budgetFactor, poolCapFactor, pool);
  }

  /** floor(value * factor), at least 1 when value is positive, so a tiny budget never vanishes. */
  private static long scaled(long value, double factor) {
    if (value <= 0) {
      return 0;
    }
    return Math.max(1, (long) Math.floor(value * factor));
  }

  private static Map<String, SelectionPolicy> builtIn() {
    List<Scorer> pool = Scorer.DEFAULT_POOL;
    Map<String, SelectionPolicy> m = new LinkedHashMap<>();
    add(m, new SelectionPolicy("adapt", Clustering.GRADIENT_KMEANS, ScorerMode.MULTI_WAY, Optional.empty(),
        Sampler.CCS, Pool.PRUNE_TO_CAP, Budget.FIXED, Allocation.EQUAL, 1.0, 1.0, pool));
    add(m, new SelectionPolicy("lite", Clustering.GRADIENT_KMEANS, ScorerMode.MULTI_WAY, Optional.empty(),
        Sampler.CCS, Pool.PRUNE_TO_CAP, Budget.FIXED, Allocation.EQUAL, LITE_FACTOR, LITE_FACTOR, pool));
    add(m, new SelectionPolicy("sequential", Clustering.SINGLE, ScorerMode.NONE, Optional.empty(),
        Sampler.ALL, Pool.NEW_RELEASE_ONLY, Budget.ALL, Allocation.EQUAL, 1.0, 1.0, pool));
    add(m, new SelectionPolicy("random", Clustering.SINGLE, ScorerMode.NONE, Optional.empty(),
        Sampler.UNIFORM, Pool.KEEP_ALL, Budget.FIXED, Allocation.PROPORTIONAL, 1.0, 1.0, pool));
    for (Scorer s : List.of(Scorer.EL2N, Scorer.ENTROPY, Scorer.PERPLEXITY, Scorer.GROUNDING)) {
      add(m, new SelectionPolicy(s.label(), Clustering.SINGLE, ScorerMode.FIXED, Optional.of(s),
          Sampler.CCS, Pool.KEEP_ALL, Budget.FIXED, Allocation.EQUAL, 1.0, 1.0, pool));
    }
    add(m, new SelectionPolicy("semdedup", Clustering.GRADIENT_KMEANS, ScorerMode.NONE, Optional.empty(),
        Sampler.UNIFORM, Pool.PRUNE_TO_CAP, Budget.FIXED, Allocation.PROPORTIONAL, 1.0, 1.0, pool));
    add(m, new SelectionPolicy("multitask", Clustering.SINGLE, ScorerMode.NONE, Optional.empty(),
        Sampler.ALL, Pool.KEEP_ALL, Budget.ALL, Allocation.EQUAL, 1.0, 1.0, pool));
    return Collections.unmodifiableMap(m);
  }

  private static void add(Map<String, SelectionPolicy> m, SelectionPolicy p) {
    m.put(p.name(), p);
  }
}
