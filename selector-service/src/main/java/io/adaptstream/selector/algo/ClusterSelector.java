package io.adaptstream.selector.algo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The per-cluster step: prune the cluster's pool, choose its scorer, pick its training samples. This is the unit
 * the topology runs in a cluster-keyed task; it needs only the cluster's members, its two budgets (from
 * {@link StepBudgets} on GLOBAL counts) and a seed from {@link Seeds#forCluster}, so the distributed run and
 * {@link StepPlanner} decide the same.
 *
 * <p>Order of work, as in the reference: pruning first ({@link SemDeDup}, keep budget), then the scorer is
 * chosen on the surviving members and the sampler draws the training budget from them.
 *
 * <p>Pruning order: members already in the pool come before fresh ones, each group in id order. The reference
 * concatenates datasets oldest first, so the earliest copy of a near-duplicate, the one already in the pool, is
 * kept and a new release's copy of it is what gets pruned. Sample ids are content hashes, so id order alone
 * would pick the survivor at random.
 */
public final class ClusterSelector {

  private final SelectionPolicy policy;
  private final ScorerChoice scorerChoice;
  private final CcsSampler ccs;
  private final SemDeDup semDeDup;

  public ClusterSelector(SelectionPolicy policy, ScorerChoice scorerChoice, CcsSampler ccs, SemDeDup semDeDup) {
    this.policy = policy;
    this.scorerChoice = scorerChoice;
    this.ccs = ccs;
    this.semDeDup = semDeDup;
  }

  /** A selector with the default scorer choice (standardised), CCS and pruning settings. */
  public static ClusterSelector of(SelectionPolicy policy) {
    return new ClusterSelector(policy, new ScorerChoice(ScorerChoice.Mode.STANDARDISED), new CcsSampler(),
        new SemDeDup());
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
    switch (policy.pool()) {
      case PRUNE_TO_CAP -> candidates = prune(members, keepBudget, Seeds.derive(seed, Seeds.PURPOSE_PRUNE), pruned);
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
    int[] picked = switch (policy.sampler()) {
      case CCS -> ccs.sample(scores(candidates, chosen.orElseThrow()), budget,
          Seeds.derive(seed, Seeds.PURPOSE_CCS)).indices();
      case UNIFORM -> uniform(candidates.size(), budget, Seeds.derive(seed, Seeds.PURPOSE_UNIFORM));
      case ALL -> IntStream.range(0, candidates.size()).toArray();
    };
    List<ClusterDecision.Selected> selected = new ArrayList<>(picked.length);
    for (int i : picked) {
      Member m = candidates.get(i);
      selected.add(chosen.map(s -> new ClusterDecision.Selected(m.id(), s.label(), m.score(s)))
          .orElseGet(() -> new ClusterDecision.Selected(m.id(), ClusterDecision.NO_SCORER, 0.0)));
    }
    pruned.sort(Comparator.naturalOrder());
    return new ClusterDecision(cluster, selected, pruned, chosen, entropies);
  }

  /** SemDeDup in pruning order (pool before fresh); returns the kept members in id order. */
  private List<Member> prune(List<Member> members, long keepBudget, long seed, List<String> pruned) {
    if (keepBudget >= members.size()) {
      return members;
    }
    List<Member> order = new ArrayList<>(members.size());
    members.stream().filter(m -> !m.fresh()).forEach(order::add);
    members.stream().filter(Member::fresh).forEach(order::add);
    List<float[]> embeddings = new ArrayList<>(order.size());
    for (Member m : order) {
      if (m.embedding() == null) {
        throw new IllegalArgumentException("sample " + m.id() + " has no embedding; pruning needs one");
      }
      embeddings.add(m.embedding());
    }
    SemDeDup.Pruning result = semDeDup.keep(embeddings, (int) keepBudget, seed);
    boolean[] keep = new boolean[order.size()];
    for (int i : result.kept()) {
      keep[i] = true;
    }
    Set<String> keptIds = new HashSet<>();
    for (int i = 0; i < order.size(); i++) {
      if (keep[i]) {
        keptIds.add(order.get(i).id());
      } else {
        pruned.add(order.get(i).id());
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
