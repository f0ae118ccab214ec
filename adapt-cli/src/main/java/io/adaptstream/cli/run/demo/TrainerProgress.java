package io.adaptstream.cli.run.demo;

import io.adaptstream.trainer.TrainerListener;
import java.util.Locale;

/**
 * The trainer's progress as one line, for the demo's display: which version it makes, in which phase, at which
 * epoch (epochs mode) or optimizer step (steps mode, the equal-compute protocol). Written by the trainer's thread,
 * read by the monitor's.
 *
 * <p>In steps mode the step shown moves in tenths of the version's steps, so a run of hundreds of steps prints
 * about ten lines per version rather than one per step.
 */
public final class TrainerProgress implements TrainerListener {

  /** Steps mode shows about this many positions per training call. */
  private static final int STEP_LINES = 10;

  private final boolean steps;
  private final boolean pretrainSteps;
  private volatile int version = -1;
  private volatile Phase phase;
  private volatile int epoch = -1;
  private volatile int step = -1;
  private volatile int totalSteps;

  /**
   * @param steps whether the task steps train in steps mode ({@code trainer.steps} > 0)
   * @param pretrainSteps whether version 0 is pretrained in steps mode ({@code trainer.pretrain.steps} > 0)
   */
  public TrainerProgress(boolean steps, boolean pretrainSteps) {
    this.steps = steps;
    this.pretrainSteps = pretrainSteps;
  }

  @Override
  public void onPhase(int version, Phase phase) {
    this.version = version;
    this.phase = phase;
    this.epoch = -1;
    this.step = -1;
  }

  @Override
  public void onTrainingStep(int version, int step, int totalSteps, int stepsPerEpoch, float loss) {
    if (version == 0 ? pretrainSteps : steps) {
      int chunk = Math.max(1, (totalSteps + STEP_LINES - 1) / STEP_LINES);
      int done = step + 1;
      this.totalSteps = totalSteps;
      this.step = done == totalSteps ? done : done / chunk * chunk;
    } else {
      TrainerListener.super.onTrainingStep(version, step, totalSteps, stepsPerEpoch, loss);
    }
  }

  @Override
  public void onTrainingBatch(int version, int epoch, int batch, int batchesPerEpoch, float loss) {
    this.epoch = epoch;
  }

  /** A line for the current state, or "" when there is nothing worth showing (collecting, committing). */
  public String describe() {
    int v = version;
    return describe(v == 0 ? "model v0 (pretraining)" : "step " + v);
  }

  /**
   * As {@link #describe()}, with the version being made called {@code what} (e.g. a fit made outside the step
   * sequence).
   */
  public String describe(String what) {
    Phase p = phase;
    int v = version;
    if (p == null) {
      return "";
    }
    int s = step;
    return switch (p) {
      case TRAINING -> s > 0 ? String.format(Locale.ROOT, "%s: training, step %d/%d", what, s, totalSteps)
          : epoch < 0 ? what + ": training"
          : String.format(Locale.ROOT, "%s: training, epoch %d", what, epoch + 1);
      case EVALUATING -> what + ": evaluating";
      case WAITING_FOR_INGEST -> v == 0 ? "model v0: waiting for the pretraining release" : "";
      default -> "";
    };
  }
}
