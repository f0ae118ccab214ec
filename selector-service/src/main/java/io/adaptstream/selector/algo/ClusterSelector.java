package io.adaptstream.selector.algo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The per-cluster step: choose the cluster's scorer, pick its training samples, prune its pool. This is the unit
 * the topology runs in a cluster-keyed task; it needs only the cluster's members, its two budgets (from
 * {@link StepBudgets} on GLOBAL counts) and a seed from {@link Seeds#forCluster}, so the distributed run and
 * {@link StepPlanner} decide the same.
 *
 * <p>Order of work ({@link PruneTiming#AFTER_SELECTION}, the default; a documented deviation): the scorer is
 * chosen on ALL the cluster's members (pool and fresh), the sampler draws the training budget from them, and only
 * then is the pool pruned to the keep budget, as the paper's "pruning at the end of each time step". A sample is
 * never pruned before it has been a candidate for at least one selection; a selected sample may be pruned
 * afterwards (it has been trained on). The reference prunes first and selects from the survivors
 * ({@link PruneTiming#BEFORE_SELECTION}), which removes part of every new release before it is ever eligible.
 *
 * <p>Pruning rule: {@link SemDeDup.Rule#ORDER_FREE} (default) ranks members by their symmetric max cosine, with
 * members in id order (ids are content hashes: neither old nor fresh first). {@link SemDeDup.Rule#REFERENCE}
 * places members already in the pool before fresh ones, each group in id order, as the reference concatenates
 * datasets oldest first: the earliest copy of a near-duplicate, the one already in the pool, is kept and a new
 * release's copy is what gets pruned (and, by the same order, fresh members are pruned more than their share).
 */
public final class ClusterSelector {

  /** When a pruning policy prunes, relative to the step's selection. */
  public enum PruneTiming {
    /** Select from all members, then prune (default). */
    AFTER_SELECTION,
    /** The reference: prune, then select from the survivors. */
    BEFORE_SELECTION
  }

  /**
   * The small-budget rules, each a documented deviation whose reference value restores the reference rule.
   *
   * @param ccs CCS strata and leftovers
   * @param pruneTiming pruning before or after selection
   * @param pruneRule SemDeDup's statistic
   * @param duplicateCosine near-duplicate threshold of the order-free rule
   */
  public record Rules(CcsSampler.Rule ccs, PruneTiming pruneTiming, SemDeDup.Rule pruneRule,
      double duplicateCosine) {

    public Rules {
      java.util.Objects.requireNonNull(ccs, "ccs");
      java.util.Objects.requireNonNull(pruneTiming, "pruneTiming");
      java.util.Objects.requireNonNull(pruneRule, "pruneRule");
      if (!(duplicateCosine >= -1 && duplicateCosine <= 1)) {
        throw new IllegalArgumentException("duplicateCosine must be in [-1, 1], got " + duplicateCosine);
      }
    }

    /** The fixes: spread CCS, prune after selection, order-free rule. */
    public static Rules defaults() {
      return new Rules(CcsSampler.Rule.SPREAD, PruneTiming.AFTER_SELECTION, SemDeDup.Rule.ORDER_FREE,
          SemDeDup.DEFAULT_DUPLICATE_COSINE);
    }

    /** The reference rules throughout. */
    public static Rules reference() {
      return new Rules(CcsSampler.Rule.REFERENCE, PruneTiming.BEFORE_SELECTION, SemDeDup.Rule.REFERENCE,
          SemDeDup.DEFAULT_DUPLICATE_COSINE);
    }

    public Rules withCcs(CcsSampler.Rule rule) {
      return new Rules(rule, pruneTiming, pruneRule, duplicateCosine);
    }

    public Rules withPruneTiming(PruneTiming timing) {
      return new Rules(ccs, timing, pruneRule, duplicateCosine);
    }

    public Rules withPruneRule(SemDeDup.Rule rule) {
      return new Rules(ccs, pruneTiming, rule, duplicateCosine);
    }
  }

  private final SelectionPolicy policy;
  private final ScorerChoice scorerChoice;
  private final CcsSampler ccs;
  private final SemDeDup semDeDup;
  private final Rules rules;

  /**
   * @param maxPairwise SemDeDup's exact-comparison cap
   */
  public ClusterSelector(SelectionPolicy policy, ScorerChoice scorerChoice, int maxPairwise, Rules rules) {
    this.policy = policy;
    this.scorerChoice = scorerChoice;
    this.ccs = new CcsSampler(rules.ccs());
    this.semDeDup = new SemDeDup(maxPairwise);
    this.rules = rules;
  }

  /** A selector with the default scorer choice (standardised), pruning cap and rules. */
  public static ClusterSelector of(SelectionPolicy policy) {
    return of(policy, Rules.defaults());
  }

  /** A selector with the default scorer choice (standardised) and pruning cap, and the given rules. */
  public static ClusterSelector of(SelectionPolicy policy, Rules rules) {
    return new ClusterSelector(policy, new ScorerChoice(ScorerChoice.Mode.STANDARDISED),
        SemDeDup.DEFAULT_MAX_PAIRWISE, rules);
  }

  public Rules rules() {
    return rules;
  }

  public SelectionPolicy policy() {
    return policy;
  }

  /**
   * Decides one cluster.
   *
   * @param members the cluster's members, sorted by id, no duplicates
   * @param trainBudget this cluster's training budget ({@link StepBudgets#train()})
   * @param keepBudget this cluster's keep budget ({@link StepBudgets#keep()}); used by {@code PRUNE_TO_CAP} only
   *     (and the training budget must come from {@link StepBudgets} under the same {@link PruneTiming})
   * @param seed {@link Seeds#forCluster}(experiment seed, step, cluster)
   * @throws IllegalArgumentException when members are not id-sorted or lack what the policy needs
   */
  public ClusterDecision decide(int cluster, List<Member> members, long trainBudget, long keepBudget, long seed) {
    requireSorted(members);
    if (trainBudget < 0 || keepBudget < 0) {
      throw new IllegalArgumentException("budgets must be >= 0, got train " + trainBudget + ", keep " + keepBudget);
    }
    List<Member> candidates;
    List<String> pruned = new ArrayList<>();
    Map<String, Redundancy> redundancy = new HashMap<>();
    boolean pruneAfter = policy.pool() == SelectionPolicy.Pool.PRUNE_TO_CAP
        && rules.pruneTiming() == PruneTiming.AFTER_SELECTION;
    long pruneSeed = Seeds.derive(seed, Seeds.PURPOSE_PRUNE);
    switch (policy.pool()) {
      case PRUNE_TO_CAP -> candidates = pruneAfter ? members
          : prune(members, keepBudget, pruneSeed, pruned, redundancy);
      case KEEP_ALL -> candidates = members;
      case NEW_RELEASE_ONLY -> {
        candidates = members.stream().filter(Member::fresh).toList();
        members.forEach(m -> pruned.add(m.id()));
      }
      default -> throw new IllegalStateException("unknown pool rule " + policy.pool());
    }

    Optional<Scorer> chosen;
    Map<Scorer, Double> entropies;
    switch (policy.scorer()) {
      case MULTI_WAY -> {
        ScorerChoice.Choice choice = scorerChoice.choose(policy.scorerPool(), s -> scores(candidates, s));
        chosen = Optional.of(choice.chosen());
        entropies = choice.entropies();
      }
      case FIXED -> {
        Scorer s = policy.fixedScorer().orElseThrow();
        chosen = Optional.of(s);
        entropies = Map.of(s, scorerChoice.entropy(scores(candidates, s)));
      }
      default -> {
        chosen = Optional.empty();
        entropies = Map.of();
      }
    }

    int budget = (int) Math.min(trainBudget, candidates.size());
    double pickPercentileSum = 0;
    long pickPercentileCount = 0;
    int[] picked;
    CcsSampler.Sample drawn = null;
    switch (policy.sampler()) {
      case CCS -> {
        double[] ranked = scores(candidates, chosen.orElseThrow());
        drawn = ccs.sample(ranked, budget, Seeds.derive(seed, Seeds.PURPOSE_CCS));
        picked = drawn.indices();
        double[] ranks = CcsSampler.percentileRanks(ranked, picked);
        pickPercentileSum = ranks[0];
        pickPercentileCount = (long) ranks[1];
      }
      case UNIFORM -> picked = uniform(candidates.size(), budget, Seeds.derive(seed, Seeds.PURPOSE_UNIFORM));
      case ALL -> picked = IntStream.range(0, candidates.size()).toArray();
      default -> throw new IllegalStateException("unknown sampler " + policy.sampler());
    }
    List<ClusterDecision.Selected> selected = new ArrayList<>(picked.length);
    for (int i : picked) {
      Member m = candidates.get(i);
      selected.add(chosen.map(s -> new ClusterDecision.Selected(m.id(), s.label(), m.score(s)))
          .orElseGet(() -> new ClusterDecision.Selected(m.id(), ClusterDecision.NO_SCORER, 0.0)));
    }
    if (pruneAfter) {
      prune(members, keepBudget, pruneSeed, pruned, redundancy);
    }
    pruned.sort(Comparator.naturalOrder());
    Set<String> prunedIds = new HashSet<>(pruned);
    long prunedFresh = members.stream().filter(m -> m.fresh() && prunedIds.contains(m.id())).count();
    List<ClusterDecision.Trace> traces = traces(members, candidates, picked, drawn, budget, chosen, prunedIds,
        redundancy);
    return new ClusterDecision(cluster, selected, pruned, chosen, entropies,
        new ClusterDecision.Diagnostics(prunedFresh, pickPercentileSum, pickPercentileCount),
        drawn == null ? 0 : drawn.strataSizes().length, traces);
  }

  /** What pruning found about one member (only members of a cluster pruning compared). */
  private record Redundancy(double m, String nearest, String reason, String duplicateOf) {}

  /** Every member's account of the decision, in member order. */
  private List<ClusterDecision.Trace> traces(List<Member> members, List<Member> candidates, int[] picked,
      CcsSampler.Sample drawn, int budget, Optional<Scorer> chosen, Set<String> prunedIds,
      Map<String, Redundancy> redundancy) {
    Map<String, Integer> position = new HashMap<>(candidates.size() * 2);
    for (int i = 0; i < candidates.size(); i++) {
      position.put(candidates.get(i).id(), i);
    }
    boolean[] isPicked = new boolean[candidates.size()];
    for (int i : picked) {
      isPicked[i] = true;
    }
    long[] drawnPerStratum = new long[drawn == null ? 0 : drawn.strataSizes().length];
    if (drawn != null) {
      for (int i : picked) {
        if (drawn.strata()[i] >= 0) {
          drawnPerStratum[drawn.strata()[i]]++;
        }
      }
    }
    String pool = " of " + candidates.size() + " candidates";
    List<ClusterDecision.Trace> out = new ArrayList<>(members.size());
    for (Member m : members) {
      Integer at = position.get(m.id());
      int stratum = -1;
      boolean selected = false;
      String why;
      if (at == null) {
        why = policy.pool() == SelectionPolicy.Pool.NEW_RELEASE_ONLY
            ? "not a candidate: not of the step's new release" : "not a candidate: pruned before selection";
      } else {
        selected = isPicked[at];
        String verb = selected ? "selected: " : "not selected: ";
        switch (policy.sampler()) {
          case CCS -> {
            stratum = drawn.strata()[at];
            int strata = drawn.strataSizes().length;
            if (stratum >= 0) {
              why = (selected ? "selected: " : "not drawn: ") + "CCS stratum " + stratum + " of " + strata + " ("
                  + drawnPerStratum[stratum] + " of its " + drawn.strataSizes()[stratum] + " drawn)";
            } else if (selected) {
              why = "selected: filled from outside the trimmed range, the strata holding too few";
            } else if (budget == 0) {
              why = "not selected: the cluster's training budget is 0";
            } else if (!Double.isFinite(m.score(chosen.orElseThrow()))) {
              why = "not selected: no finite " + chosen.get().label() + " score";
            } else {
              why = "not selected: " + chosen.get().label() + " score outside the trimmed range [" + drawn.low()
                  + ", " + drawn.high() + "]";
            }
          }
          case UNIFORM -> why = (selected ? "selected: " : "not drawn: ") + "uniform draw of " + budget + pool;
          default -> why = verb + "the policy trains on every candidate";
        }
      }
      Redundancy r = redundancy.get(m.id());
      String reason = r != null ? r.reason() : null;
      String duplicateOf = r != null ? r.duplicateOf() : null;
      if (reason == null && prunedIds.contains(m.id())) {
        reason = ClusterDecision.RETIRED;
      }
      out.add(new ClusterDecision.Trace(m.id(), at != null, stratum, selected, why,
          r != null ? r.m() : Double.NaN, r != null ? r.nearest() : null, reason, duplicateOf));
    }
    return out;
  }

  /**
   * SemDeDup to the keep budget: under the reference rule in pruning order (pool before fresh), otherwise in id
   * order; returns the kept members in id order.
   */
  private List<Member> prune(List<Member> members, long keepBudget, long seed, List<String> pruned,
      Map<String, Redundancy> redundancy) {
    if (keepBudget >= members.size()) {
      return members;
    }
    List<Member> order = new ArrayList<>(members.size());
    if (rules.pruneRule() == SemDeDup.Rule.REFERENCE) {
      members.stream().filter(m -> !m.fresh()).forEach(order::add);
      members.stream().filter(Member::fresh).forEach(order::add);
    } else {
      order.addAll(members);
    }
    List<float[]> embeddings = new ArrayList<>(order.size());
    for (Member m : order) {
      if (m.embedding() == null) {
        throw new IllegalArgumentException("sample " + m.id() + " has no embedding; pruning needs one");
      }
      embeddings.add(m.embedding());
    }
    SemDeDup.Pruning result = rules.pruneRule() == SemDeDup.Rule.REFERENCE
        ? semDeDup.keep(embeddings, (int) keepBudget, seed)
        : semDeDup.keepOrderFree(embeddings, (int) keepBudget, rules.duplicateCosine(), seed);
    boolean[] keep = new boolean[order.size()];
    for (int i : result.kept()) {
      keep[i] = true;
    }
    Set<String> keptIds = new HashSet<>();
    for (int i = 0; i < order.size(); i++) {
      int near = result.nearest()[i];
      String nearest = near >= 0 ? order.get(near).id() : null;
      double m = near >= 0 ? result.m()[i] : Double.NaN;
      if (keep[i]) {
        keptIds.add(order.get(i).id());
        redundancy.put(order.get(i).id(), new Redundancy(m, nearest, null, null));
      } else {
        pruned.add(order.get(i).id());
        int copyOf = result.duplicateOf()[i];
        redundancy.put(order.get(i).id(), copyOf >= 0
            ? new Redundancy(m, nearest, ClusterDecision.NEAR_DUPLICATE, order.get(copyOf).id())
            : new Redundancy(m, nearest, ClusterDecision.OVER_CAP, nearest));
      }
    }
    return members.stream().filter(m -> keptIds.contains(m.id())).toList();
  }

  private static double[] scores(List<Member> members, Scorer s) {
    double[] out = new double[members.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = members.get(i).score(s);
    }
    return out;
  }

  /** Seeded uniform sample of {@code k} of {@code n} positions without replacement, ascending. */
  private static int[] uniform(int n, int k, long seed) {
    List<Integer> all = IntStream.range(0, n).boxed().toList();
    return CcsSampler.pick(all, k, new SplittableRandom(seed)).stream().mapToInt(Integer::intValue).sorted()
        .toArray();
  }

  private static void requireSorted(List<Member> members) {
    for (int i = 1; i < members.size(); i++) {
      if (members.get(i - 1).id().compareTo(members.get(i).id()) >= 0) {
        throw new IllegalArgumentException("members must be sorted by sample id without duplicates; found '"
            + members.get(i - 1).id() + "' before '" + members.get(i).id() + "'");
      }
    }
  }
}
