package io.adaptstream.cli.run.overhead;

/**
 * One step's computation timed in one process without Kafka, next to the same step's phases in the pipeline.
 *
 * @param step the time step
 * @param scored pool samples scored (the pipeline's pool size)
 * @param trained selected samples trained on
 * @param tested test samples evaluated
 * @param pipeline the pipeline's phase seconds (scoring, selection, training without evaluation, evaluation)
 * @param bare the same phases done here
 * @param sameWeights whether the model trained here has the pipeline's version bytes (sha256); in deterministic
 *     mode it must, which shows both did the same training
 */
public record BareStep(int step, int scored, int trained, int tested, Phases pipeline, Phases bare,
    boolean sameWeights) {

  /** Seconds per phase; {@link #total()} is the whole step. */
  public record Phases(double scoring, double selection, double training, double evaluation) {

    public double total() {
      return scoring + selection + training + evaluation;
    }
  }

  /** Pipeline seconds over bare seconds, per phase and for the whole step (NaN where the bare phase took 0 s). */
  public Phases ratios() {
    return new Phases(ratio(pipeline.scoring(), bare.scoring()), ratio(pipeline.selection(), bare.selection()),
        ratio(pipeline.training(), bare.training()), ratio(pipeline.evaluation(), bare.evaluation()));
  }

  /** The whole step's pipeline seconds over its bare seconds. */
  public double totalRatio() {
    return ratio(pipeline.total(), bare.total());
  }

  static double ratio(double pipeline, double bare) {
    return bare > 0 ? pipeline / bare : Double.NaN;
  }
}
