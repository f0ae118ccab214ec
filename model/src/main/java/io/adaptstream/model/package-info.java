/**
 * The vision-language model of adapt-stream: a small DJL/PyTorch model, its training, evaluation, checkpoints,
 * and the per-sample signals (gradient sketches, embeddings, scores) that data selection runs on.
 *
 * <p>This package knows nothing of Kafka or Avro: services turn records into {@link io.adaptstream.model.Example}s
 * and call a {@link io.adaptstream.model.Learner}, made by {@link io.adaptstream.model.Learners} from the
 * {@code model.*} keys of {@link io.adaptstream.model.LearnerConfig}: the built-in
 * {@link io.adaptstream.model.VisionLanguageModel} (with {@link io.adaptstream.model.ModelTrainer},
 * {@link io.adaptstream.model.SampleScorer} and {@link io.adaptstream.model.Evaluator}) or a user's TorchScript
 * module ({@link io.adaptstream.model.TorchScriptLearner}). Call
 * {@link io.adaptstream.model.DjlRuntime#init(boolean)} first to choose deterministic mode; every backward pass
 * holds {@link io.adaptstream.model.GradientLock}.
 *
 * <p>Arrays are created per step on a child manager of the model's manager and freed when the step ends, and
 * every constant that enters a graph later back-propagated is an array of that step (never a Java number: on
 * CPU, DJL frees such scalars before backward reads them).
 */
package io.adaptstream.model;
