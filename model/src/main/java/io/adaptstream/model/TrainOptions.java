package io.adaptstream.model;

/**
 * How {@link ModelTrainer} trains.
 *
 * <p>The learning rate follows a schedule within one {@code train} call: a linear warm-up over the first
 * {@code warmup} share of the call's steps, then a cosine decay to {@code finalLearningRate} × the peak at the
 * last step. A call starts from fresh Adam moments (see {@link ModelTrainer}), so each call warms up again; this
 * is what lets a fine-tuning step start at a high rate without wrecking what the model already knows.
 *
 * @param epochs passes over the examples
 * @param batchSize examples per Adam step (the last batch of an epoch may be smaller)
 * @param learningRate Adam's peak step size
 * @param seed seeds the per-epoch shuffles and image dropout
 * @param imageDropout probability that a sample's images are hidden from its text for one step, in [0, 1)
 * @param warmup share of the call's steps spent warming up linearly from 0, in [0, 1)
 * @param finalLearningRate the rate at the last step as a share of the peak, in [0, 1] (1 = constant after warm-up)
 * @param weightDecay decoupled (AdamW) weight decay per unit of learning rate, applied to matrices and
 *     convolution kernels only (not to biases, norms or embedding tables), ≥ 0
 * @param clipNorm the global gradient L2 norm above which a step's gradient is scaled down to it; 0 = no clipping
 */
public record TrainOptions(int epochs, int batchSize, float learningRate, long seed, float imageDropout,
    float warmup, float finalLearningRate, float weightDecay, float clipNorm) {

  /** Warm-up share of {@link #defaults()} and of the five-argument constructor. */
  public static final float DEFAULT_WARMUP = 0.1f;
  /** Final learning-rate share of {@link #defaults()} and of the five-argument constructor. */
  public static final float DEFAULT_FINAL_LEARNING_RATE = 0.1f;
  /** Weight decay of {@link #defaults()} and of the five-argument constructor. */
  public static final float DEFAULT_WEIGHT_DECAY = 0.01f;
  /** Gradient-norm clip of {@link #defaults()} and of the five-argument constructor. */
  public static final float DEFAULT_CLIP_NORM = 1f;

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
    if (!(warmup >= 0f && warmup < 1f)) {
      throw new IllegalArgumentException("warmup must be in [0, 1), got " + warmup);
    }
    if (!(finalLearningRate >= 0f && finalLearningRate <= 1f)) {
      throw new IllegalArgumentException("finalLearningRate must be in [0, 1], got " + finalLearningRate);
    }
    if (!(weightDecay >= 0f) || Float.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weightDecay must be >= 0 and finite, got " + weightDecay);
    }
    if (!(clipNorm >= 0f) || Float.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("clipNorm must be >= 0 and finite (0 = off), got " + clipNorm);
    }
  }

  /** The given basics with the default schedule, weight decay and clipping. */
  public TrainOptions(int epochs, int batchSize, float learningRate, long seed, float imageDropout) {
    this(epochs, batchSize, learningRate, seed, imageDropout, DEFAULT_WARMUP, DEFAULT_FINAL_LEARNING_RATE,
        DEFAULT_WEIGHT_DECAY, DEFAULT_CLIP_NORM);
  }

  /** One epoch, batch 32, learning rate 1e-3, seed 0, no image dropout, the default schedule. */
  public static TrainOptions defaults() {
    return new TrainOptions(1, 32, 1e-3f, 0L, 0f);
  }

  public TrainOptions withEpochs(int value) {
    return new TrainOptions(value, batchSize, learningRate, seed, imageDropout, warmup, finalLearningRate,
        weightDecay, clipNorm);
  }

  public TrainOptions withBatchSize(int value) {
    return new TrainOptions(epochs, value, learningRate, seed, imageDropout, warmup, finalLearningRate,
        weightDecay, clipNorm);
  }

  public TrainOptions withLearningRate(float value) {
    return new TrainOptions(epochs, batchSize, value, seed, imageDropout, warmup, finalLearningRate, weightDecay,
        clipNorm);
  }

  public TrainOptions withSeed(long value) {
    return new TrainOptions(epochs, batchSize, learningRate, value, imageDropout, warmup, finalLearningRate,
        weightDecay, clipNorm);
  }

  public TrainOptions withImageDropout(float value) {
    return new TrainOptions(epochs, batchSize, learningRate, seed, value, warmup, finalLearningRate, weightDecay,
        clipNorm);
  }

  public TrainOptions withWarmup(float value) {
    return new TrainOptions(epochs, batchSize, learningRate, seed, imageDropout, value, finalLearningRate,
        weightDecay, clipNorm);
  }

  public TrainOptions withFinalLearningRate(float value) {
    return new TrainOptions(epochs, batchSize, learningRate, seed, imageDropout, warmup, value, weightDecay,
        clipNorm);
  }

  public TrainOptions withWeightDecay(float value) {
    return new TrainOptions(epochs, batchSize, learningRate, seed, imageDropout, warmup, finalLearningRate, value,
        clipNorm);
  }

  public TrainOptions withClipNorm(float value) {
    return new TrainOptions(epochs, batchSize, learningRate, seed, imageDropout, warmup, finalLearningRate,
        weightDecay, value);
  }

  /** A constant rate, no weight decay, no clipping: plain Adam as before schedules existed. */
  public TrainOptions constant() {
    return new TrainOptions(epochs, batchSize, learningRate, seed, imageDropout, 0f, 1f, 0f, 0f);
  }

  /** The learning rate of step {@code step} (0-based) of a call with {@code totalSteps} steps. */
  public float learningRateAt(int step, int totalSteps) {
    int warmSteps = (int) Math.ceil(warmup * totalSteps);
    if (step < warmSteps) {
      return learningRate * (step + 1) / (warmSteps + 1);
    }
    int decaySteps = totalSteps - warmSteps;
    if (decaySteps <= 1 || finalLearningRate == 1f) {
      return learningRate;
    }
    double progress = (double) (step - warmSteps) / (decaySteps - 1);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
    return (float) (learningRate * (finalLearningRate + (1 - finalLearningRate) * cosine));
  }
}
