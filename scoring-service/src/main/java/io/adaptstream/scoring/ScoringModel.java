package io.adaptstream.scoring;

import io.adaptstream.model.Example;
import io.adaptstream.model.Learner;
import io.adaptstream.model.SampleSignals;
import java.util.List;

/**
 * A loaded model version as the batch processor uses it: check an example, score examples.
 *
 * <p>An interface rather than {@link Learner} itself so that the processing of requests, markers and dead letters
 * can be tested without the engine.
 */
interface ScoringModel {

  /** Image slots per sample: images beyond are dropped by the model, so they are not fetched. */
  int maxImages();

  /** Throws {@link io.adaptstream.model.InvalidExampleException} for an example the model cannot use. */
  void validate(Example example);

  /** Signals for every (validated) example, in order. */
  List<SampleSignals> score(List<Example> examples);

  /** A {@link Learner}'s signals, computed {@code microBatch} samples at a time. */
  static ScoringModel of(Learner learner, int microBatch) {
    return new ScoringModel() {
      @Override
      public int maxImages() {
        return learner.maxImages();
      }

      @Override
      public void validate(Example example) {
        learner.validate(example);
      }

      @Override
      public List<SampleSignals> score(List<Example> examples) {
        return learner.signals(examples, microBatch);
      }
    };
  }
}
