package io.adaptstream.model;

import java.util.List;

/**
 * What a {@link ModelTrainer#train} call did, in both of {@link TrainOptions}' modes.
 *
 * <p>Compute is reported as optimizer steps and sample passes so that runs of different methods can be compared on
 * what they spent, whatever the size of their training sets.
 *
 * @param examples size of the training set
 * @param optimizerSteps Adam steps made
 * @param samplePasses samples trained on, counting repeats (examples × epochs in epochs mode, steps × batch size
 *     in steps mode)
 * @param epochLosses per pass over the training set, the mean over its samples of each sample's mean answer-token
 *     NLL (as trained on). A pass is a run of {@code examples} successive samples of the call's sample stream, so in
 *     steps mode the last one may be partial (its mean is over the samples of it that were trained on)
 * @param lastPassLoss the same mean over the last {@code min(examples, samplePasses)} samples trained on: the last
 *     epoch's loss in epochs mode, the last training set's worth of samples in steps mode
 * @param seconds wall-clock time of the call
 */
public record TrainReport(int examples, long optimizerSteps, long samplePasses, List<Float> epochLosses,
    double lastPassLoss, double seconds) {

  public TrainReport {
    epochLosses = List.copyOf(epochLosses);
  }

  /** Passes over the training set: {@code samplePasses / examples} (fractional in steps mode). */
  public double passes() {
    return examples > 0 ? (double) samplePasses / examples : 0;
  }

  /** Samples per second over the whole call. */
  public double samplesPerSecond() {
    return seconds > 0 ? samplePasses / seconds : 0;
  }
}
