package io.adaptstream.model;

import io.adaptstream.blob.BlobStore;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The built-in {@link VisionLanguageModel} as a {@link Learner}: every call goes to the same trainer, scorer and
 * evaluator the services used directly, so behaviour is unchanged.
 */
public final class BuiltinLearner implements Learner {

  private final VisionLanguageModel model;

  public BuiltinLearner(VisionLanguageModel model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  /** The wrapped model, for code that needs the built-in model's own features (cached decoding benchmarks). */
  public VisionLanguageModel model() {
    return model;
  }

  @Override
  public String kind() {
    return LearnerConfig.Kind.BUILTIN.id();
  }

  @Override
  public String configJson() {
    return model.config().toJson();
  }

  @Override
  public int maxImages() {
    return model.config().maxImages();
  }

  @Override
  public long parameterCount() {
    return model.parameterCount();
  }

  @Override
  public void validate(Example example) {
    model.validate(example);
  }

  @Override
  public TrainReport train(List<Example> examples, TrainOptions options, ModelTrainer.Progress progress) {
    return new ModelTrainer(progress).train(model, examples, options);
  }

  @Override
  public List<SampleSignals> signals(List<Example> examples, int microBatch) {
    return new SampleScorer(microBatch).score(model, examples);
  }

  @Override
  public EvalReport evaluate(List<Example> tests, int batchSize, int answerMargin) {
    return new Evaluator(batchSize, answerMargin).evaluate(model, tests);
  }

  @Override
  public CheckpointRef save(BlobStore blobs) throws IOException {
    return model.save(blobs);
  }

  @Override
  public void close() {
    model.close();
  }
}
