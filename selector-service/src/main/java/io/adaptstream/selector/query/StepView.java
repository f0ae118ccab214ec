package io.adaptstream.selector.query;

import java.util.List;

/**
 * One step as the coordinator recorded it: when each phase finished (epoch ms, -1 while pending) and its counts.
 *
 * @param phase the last phase every task finished: started, requested, scored, fitted or done
 * @param scoresStartedAtMs when the first score of the step reached a collector
 * @param poolSize score requests sent (the pool at this step, fresh samples included)
 * @param fresh of which samples of the step's new release
 * @param scores scores collected (dead letters excluded)
 * @param deadLetters records of the step that went to the dead-letter topic
 * @param sealWarnings partitions whose seal count did not match what the pool read
 * @param prunedFresh of the pruned, samples of the step's new release
 * @param pickPercentileSum over CCS picks: the percentile rank (0..1) of each pick's score among its cluster's
 *     candidates, summed (0 for policies without CCS)
 * @param pickPercentileCount how many picks {@code pickPercentileSum} is over
 */
public record StepView(int step, String release, String model, int modelVersion, String phase, long startedAtMs,
    long requestedAtMs, long scoresStartedAtMs, long scoresCompleteAtMs, long clustersFittedAtMs, long selectionDoneAtMs, long poolSize,
    long fresh, long scores, int clusters, long selected, long pruned, long deadLetters, List<String> sealWarnings,
    long prunedFresh, double pickPercentileSum, long pickPercentileCount) {

  public boolean done() {
    return selectionDoneAtMs >= 0;
  }
}
