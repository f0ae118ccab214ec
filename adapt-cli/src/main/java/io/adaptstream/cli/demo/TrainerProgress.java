package io.adaptstream.cli.demo;

import io.adaptstream.trainer.TrainerListener;
import java.util.Locale;

/**
 * The trainer's progress as one line, for the demo's display: which version it makes, in which phase, at which
 * epoch. Written by the trainer's thread, read by the monitor's.
 */
final class TrainerProgress implements TrainerListener {

  private volatile int version = -1;
  private volatile Phase phase;
  private volatile int epoch = -1;

  @Override
  public void onPhase(int version, Phase phase) {
    this.version = version;
    this.phase = phase;
    this.epoch = -1;
  }

  @Override
  public void onTrainingBatch(int version, int epoch, int batch, int batchesPerEpoch, float loss) {
    this.epoch = epoch;
  }

  /** A line for the current state, or "" when there is nothing worth showing (collecting, committing). */
  String describe() {
    Phase p = phase;
    int v = version;
    if (p == null) {
      return "";
    }
    String what = v == 0 ? "model v0 (pretraining)" : "step " + v;
    return switch (p) {
      case TRAINING -> epoch < 0 ? what + ": training" : String.format(Locale.ROOT, "%s: training, epoch %d", what,
          epoch + 1);
      case EVALUATING -> what + ": evaluating";
      case WAITING_FOR_INGEST -> v == 0 ? "model v0: waiting for the pretraining release" : "";
      default -> "";
    };
  }
}
