package io.adaptstream.trainer;

import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ModelVersion;

/**
 * Progress of a {@link TrainerService} (or of a {@link VersionMaker} used on its own), for progress displays and
 * tests. Callbacks run on the trainer's thread; they should return quickly. An exception thrown from
 * {@link #onPhase}, {@link #onTrainingStep} or {@link #onTrainingBatch} fails the version being made: nothing of it
 * is published (its transaction is aborted) and the service's {@code run()} ends with that exception.
 * {@link #onPublished} runs after the commit.
 */
public interface TrainerListener {

  /** Does nothing. */
  TrainerListener NONE = new TrainerListener() {};

  /** The phases of making one model version. */
  enum Phase {
    /** Waiting for the ingest log: the pretraining release, or the step's task release, to be sealed. */
    WAITING_FOR_INGEST,
    /** Reading the step's selections until the step is complete on every partition. */
    COLLECTING,
    /** Fine-tuning (or pretraining version 0). */
    TRAINING,
    /** Evaluating on the test samples of every release up to the step's. */
    EVALUATING,
    /** The version's records and offsets are sent; the transaction is about to commit. */
    COMMITTING
  }

  /** Making {@code version} entered {@code phase}. */
  default void onPhase(int version, Phase phase) {}

  /**
   * Step {@code step} (0-based) of the {@code totalSteps} Adam steps of training {@code version} finished, with
   * mean sample loss {@code loss}. {@code stepsPerEpoch} is ⌈training samples / batch size⌉ in both training modes
   * (see {@link io.adaptstream.model.TrainOptions}), so in steps mode {@code step / stepsPerEpoch} counts training
   * sets' worth of batches. By default it reports the step to {@link #onTrainingBatch} in those terms.
   */
  default void onTrainingStep(int version, int step, int totalSteps, int stepsPerEpoch, float loss) {
    onTrainingBatch(version, step / stepsPerEpoch, step % stepsPerEpoch, stepsPerEpoch, loss);
  }

  /**
   * One Adam step of training {@code version} finished (batch and epoch 0-based), seen per epoch: exact in epochs
   * mode; in steps mode an epoch is a run of {@code batchesPerEpoch} steps. Called by the default
   * {@link #onTrainingStep}, which a listener that wants the step count overrides instead.
   */
  default void onTrainingBatch(int version, int epoch, int batch, int batchesPerEpoch, float loss) {}

  /** {@code version} and its evaluation were committed. */
  default void onPublished(ModelVersion version, EvalResult evaluation) {}
}
