package io.adaptstream.model;

import java.util.List;

/**
 * What a {@link ModelTrainer#train} call did.
 *
 * @param epochLosses per epoch, the mean over samples of each sample's mean answer-token NLL (as trained on)
 * @param samples sample-steps processed (examples × epochs)
 * @param seconds wall-clock time of the call
 */
public record TrainReport(List<Float> epochLosses, long samples, double seconds) {

  public TrainReport {
    epochLosses = List.copyOf(epochLosses);
  }

  /** Samples per second over the whole call. */
  public double samplesPerSecond() {
    return seconds > 0 ? samples / seconds : 0;
  }
}
