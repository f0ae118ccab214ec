package io.adaptstream.model;

/**
 * How {@link ModelTrainer} trains.
 *
 * <p>The learning rate follows a schedule within one {@code train} call: a linear warm-up over the first
 * {@code warmup} share of the call's steps, then a cosine decay to {@code finalLearningRate} × the peak at the
 * last step. A call starts from fresh Adam moments (see {@link ModelTrainer}), so each call warms up again; this
 * is what lets a fine-tuning step start at a high rate without wrecking what the model already knows.
 *
 * <p>A call runs in one of two modes. In <em>epochs mode</em> ({@code steps == 0}, the default) it makes
 * {@code epochs} passes over the examples, so its compute grows with the training set. In <em>steps mode</em>
 * ({@code steps > 0}) it makes exactly {@code steps} Adam steps of exactly {@code batchSize} samples whatever the
 * set's size: this is how methods whose training sets differ in size get the same compute (the equal-compute
 * protocol of issue 15), so that only the choice of data differs between them. The samples come from successive
 * seeded shuffles of the set; a batch may straddle two of them, and a set smaller than a batch repeats within it.
 *
 * @param epochs passes over the examples in epochs mode (ignored in steps mode)
 * @param batchSize examples per Adam step (in epochs mode the last batch of an epoch may be smaller)
 * @param learningRate Adam's peak step size
 * @param seed seeds the shuffles (one per pass over the examples) and image dropout
 * @param imageDropout probability that a sample's images are hidden from its text for one step, in [0, 1)
 * @param warmup share of the call's steps spent warming up linearly from 0, in [0, 1)
 * @param finalLearningRate the rate at the last step as a share of the peak, in [0, 1] (1 = constant after warm-up)
 * @param weightDecay decoupled (AdamW) weight decay per unit of learning rate, applied to matrices and
 *     convolution kernels only (not to biases, norms or embedding tables), ≥ 0
 * @param clipNorm the global gradient L2 norm above which a step's gradient is scaled down to it; 0 = no clipping
 * @param steps Adam steps per call in steps mode; 0 = epochs mode
 */
public record TrainOptions(int epochs, int batchSize, float learningRate, long seed, float imageDropout,
    float warmup, float finalLearningRate, float weightDecay, float clipNorm, int steps) {

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
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0 (0 = epochs mode), got " + steps);
    }
  }

  /** Epochs mode with the given settings. */
  public TrainOptions(int epochs, int batchSize, float learningRate, long seed, float imageDropout, float warmup,
      float finalLearningRate, float weightDecay, float clipNorm) {
    this(epochs, batchSize, learningRate, seed, imageDropout, warmup, finalLearningRate, weightDecay, clipNorm, 0);
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
        weightDecay, clipNorm, steps);
  }

  public TrainOptions withBatchSize(int value) {
    return new TrainOptions(epochs, value, learningRate, seed, imageDropout, warmup, finalLearningRate,
        weightDecay, clipNorm, steps);
  }

  public TrainOptions withLearningRate(float value) {
    return new TrainOptions(epochs, batchSize, value, seed, imageDropout, warmup, finalLearningRate, weightDecay,
        clipNorm, steps);
  }

  public TrainOptions withSeed(long value) {
    return new TrainOptions(epochs, batchSize, learningRate, value, imageDropout, warmup, finalLearningRate,
        weightDecay, clipNorm, steps);
  }

  public TrainOptions withImageDropout(float value) {
    return new TrainOptions(epochs, batchSize, learningRate, seed, value, warmup, finalLearningRate, weightDecay,
        clipNorm, steps);
  }

  public TrainOptions withWarmup(float value) {
    return new TrainOptions(epochs, batchSize, learningRate, seed, imageDropout, value, finalLearningRate,
        weightDecay, clipNorm, steps);
  }

  public TrainOptions withFinalLearningRate(float value) {
    return new TrainOptions(epochs, batchSize, learningRate, seed, imageDropout, warmup, value, weightDecay,
        clipNorm, steps);
  }

  public TrainOptions withWeightDecay(float value) {
    return new TrainOptions(epochs, batchSize, learningRate, seed, imageDropout, warmup, finalLearningRate, value,
        clipNorm, steps);
  }

  public TrainOptions withClipNorm(float value) {
    return new TrainOptions(epochs, batchSize, learningRate, seed, imageDropout, warmup, finalLearningRate,
        weightDecay, value, steps);
  }

  /** Steps mode with {@code value} Adam steps per call, or epochs mode when {@code value} is 0. */
  public TrainOptions withSteps(int value) {
    return new TrainOptions(epochs, batchSize, learningRate, seed, imageDropout, warmup, finalLearningRate,
        weightDecay, clipNorm, value);
  }

  /** Whether a call makes a fixed number of steps ({@link #steps()} > 0) rather than {@link #epochs()} passes. */
  public boolean stepsMode() {
    return steps > 0;
  }

  /**
   * Adam steps a call makes on {@code examples} examples: {@link #steps()} in steps mode, else one per batch of
   * every epoch (⌈examples / batchSize⌉ × epochs).
   */
  public int totalSteps(int examples) {
    return stepsMode() ? steps : stepsPerEpoch(examples) * epochs;
  }

  /** Batches in one pass over {@code examples} examples: ⌈examples / batchSize⌉. */
  public int stepsPerEpoch(int examples) {
    return (examples + batchSize - 1) / batchSize;
  }

  /** A constant rate, no weight decay, no clipping: plain Adam as before schedules existed. */
  public TrainOptions constant() {
    return new TrainOptions(epochs, batchSize, learningRate, seed, imageDropout, 0f, 1f, 0f, 0f, steps);
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
