package io.adaptstream.model;

import io.adaptstream.blob.BlobStore;
import java.io.IOException;
import java.util.List;

/**
 * What the pipeline needs of a model that learns: the boundary the scoring and trainer services depend on, so
 * that a user's own model can take the built-in model's place.
 *
 * <p>Implementations: {@link BuiltinLearner} (the project's {@link VisionLanguageModel}, unchanged) and
 * {@link TorchScriptLearner} (a user's TorchScript module). {@link Learners} makes one from a
 * {@link LearnerConfig} and loads checkpoints, refusing a checkpoint of another kind.
 *
 * <p>Threading as for {@link VisionLanguageModel}: {@link #train} and {@link #signals} of one learner must not
 * overlap with anything else on it.
 */
public interface Learner extends AutoCloseable {

  /** The kind, as {@code model.kind} spells it ({@link LearnerConfig.Kind#id()}). */
  String kind();

  /**
   * What a checkpoint of this learner must be loaded with (recorded next to its hash): for the built-in model
   * its {@link ModelConfig} JSON, for others a JSON object with a {@code "kind"} field.
   */
  String configJson();

  /** Image slots per sample: images beyond are dropped, so callers need not fetch them. */
  int maxImages();

  long parameterCount();

  /** Throws {@link InvalidExampleException} for an example this learner cannot use. */
  void validate(Example example);

  /**
   * Fine-tunes in place on the answer tokens of {@code examples} for the steps or epochs of {@code options}
   * (seeded shuffles and image dropout); {@code progress} (may be null) hears of every step.
   */
  TrainReport train(List<Example> examples, TrainOptions options, ModelTrainer.Progress progress);

  /** {@link SampleSignals} of every example, in order, computed {@code microBatch} samples at a time. */
  List<SampleSignals> signals(List<Example> examples, int microBatch);

  /**
   * Greedy answers to each test example's final question scored by {@link AnswerMetric}, per group; decoding
   * stops at a special token or {@code answerMargin} tokens beyond the reference's length.
   */
  EvalReport evaluate(List<Example> tests, int batchSize, int answerMargin);

  /** Writes the weights to the blob store; the same weights always give the same hash. */
  CheckpointRef save(BlobStore blobs) throws IOException;

  @Override
  void close();
}
