package io.adaptstream.selector.algo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one cluster decided at a step.
 *
 * @param cluster cluster id
 * @param selected samples to train on, in id order
 * @param pruned samples that leave the pool for good, in id order (under the {@code NEW_RELEASE_ONLY} pool rule
 *     this is every member, selected ones included: nothing stays for later replay)
 * @param chosenScorer the scorer that ranked the cluster; empty for policies without scores
 * @param entropies each considered scorer's entropy, in pool order (empty without scores)
 * @param diagnostics counts for the experiment report
 * @param ccsStrata how many strata CCS used (0 without CCS)
 * @param traces every member's account of the decision, in member (id) order: what provenance records say
 */
public record ClusterDecision(int cluster, List<Selected> selected, List<String> pruned,
    Optional<Scorer> chosenScorer, Map<Scorer, Double> entropies, Diagnostics diagnostics, int ccsStrata,
    List<Trace> traces) {

  /** {@link Trace#pruneReason}: pruned as a near-duplicate copy (cosine above the threshold) of another member. */
  public static final String NEAR_DUPLICATE = "near-duplicate";
  /** {@link Trace#pruneReason}: among the most redundant members beyond the cluster's keep budget. */
  public static final String OVER_CAP = "over-cap";
  /** {@link Trace#pruneReason}: the policy keeps no pool, so every member leaves it after the step. */
  public static final String RETIRED = "retired";

  /**
   * Why one member was or was not selected, and kept or pruned: the decision seen from the member, so a single
   * sample's fate can be explained without the rest of the cluster.
   *
   * @param candidate whether it could be selected (not pruned before selection, of the new release where only
   *     that one trains)
   * @param ccsStratum its CCS stratum, 0 holding the highest scores; -1 in none
   * @param selection why it was or was not selected, in words
   * @param redundancy SemDeDup's statistic for it (max cosine to the members compared with it); NaN when pruning
   *     compared nothing (the cluster within its keep budget, or a single member)
   * @param nearest the member that max cosine is to; null with NaN redundancy
   * @param pruneReason {@link #NEAR_DUPLICATE}, {@link #OVER_CAP} or {@link #RETIRED}; null when kept
   * @param duplicateOf the member it is redundant to: its near-duplicate group's first member, or else the
   *     nearest; null when kept or retired
   */
  public record Trace(String id, boolean candidate, int ccsStratum, boolean selected, String selection,
      double redundancy, String nearest, String pruneReason, String duplicateOf) {

    public boolean pruned() {
      return pruneReason != null;
    }
  }

  /** Scorer label used when a policy selects without scores. */
  public static final String NO_SCORER = "none";

  /**
   * One selected sample.
   *
   * @param scorer the label of the scorer that ranked it, or {@link #NO_SCORER}
   * @param score its score under that scorer as the selector used it (log for perplexity); 0 without a scorer
   */
  public record Selected(String id, String scorer, double score) {}

  /**
   * What the selector reports about a decision, beyond the ids: where CCS picked in the score range and how much
   * of the new release was pruned. Sums, so tasks and clusters add up.
   *
   * @param prunedFresh pruned members of the step's new release (under {@code NEW_RELEASE_ONLY}, where every
   *     member is retired, all of the fresh ones)
   * @param pickPercentileSum over CCS picks with a finite score: the percentile rank (0..1) of the pick's score
   *     among the cluster's candidates ({@link CcsSampler#percentileRanks}); 0 without CCS
   * @param pickPercentileCount how many picks the sum is over
   */
  public record Diagnostics(long prunedFresh, double pickPercentileSum, long pickPercentileCount) {

    public static final Diagnostics NONE = new Diagnostics(0, 0.0, 0);

    /** These and {@code other} summed (the diagnostics of several clusters or tasks). */
    public Diagnostics plus(Diagnostics other) {
      return new Diagnostics(prunedFresh + other.prunedFresh, pickPercentileSum + other.pickPercentileSum,
          pickPercentileCount + other.pickPercentileCount);
    }
  }

  public ClusterDecision {
    selected = List.copyOf(selected);
    pruned = List.copyOf(pruned);
    entropies = Collections.unmodifiableMap(new LinkedHashMap<>(entropies));
    traces = List.copyOf(traces);
  }
}
