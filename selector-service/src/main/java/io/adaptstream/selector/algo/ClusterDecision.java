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
 */
public record ClusterDecision(int cluster, List<Selected> selected, List<String> pruned,
    Optional<Scorer> chosenScorer, Map<Scorer, Double> entropies, Diagnostics diagnostics) {

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
  }
}
