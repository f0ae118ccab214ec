package io.adaptstream.model;

/**
 * How {@link ModelTrainer} trains.
 *
 * @param epochs passes over the examples
 * @param batchSize examples per Adam step (the last batch of an epoch may be smaller)
 * @param learningRate Adam's step size
 * @param seed seeds the per-epoch shuffles and image dropout
 * @param imageDropout probability that a sample's images are hidden from its text for one step, in [0, 1)
 */
public record TrainOptions(int epochs, int batchSize, float learningRate, long seed, float imageDropout) {

  public TrainOptions {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (!(learningRate > 0f) || Float.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be positive and finite, got " + learningRate);
    }
    if (!(imageDropout >= 0f && imageDropout < 1f)) {
      throw new IllegalArgumentException("imageDropout must be in [0, 1), got " + imageDropout);
    }
  }

  /** One epoch, batch 32, learning rate 1e-3, seed 0, no image dropout. */
  public static TrainOptions defaults() {
    return new TrainOptions(1, 32, 1e-3f, 0L, 0f);
  }

  public TrainOptions withEpochs(int value) {
    return new TrainOptions(value, batchSize, learningRate, seed, imageDropout);
  }

  public TrainOptions withBatchSize(int value) {
    return new TrainOptions(epochs, value, learningRate, seed, imageDropout);
  }

  public TrainOptions withLearningRate(float value) {
    return new TrainOptions(epochs, batchSize, value, seed, imageDropout);
  }

  public TrainOptions withSeed(long value) {
    return new TrainOptions(epochs, batchSize, learningRate, value, imageDropout);
  }

  public TrainOptions withImageDropout(float value) {
    return new TrainOptions(epochs, batchSize, learningRate, seed, value);
  }
}
