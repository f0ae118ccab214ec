package io.adaptstream.trainer;

/**
 * The trainer's seeds, derived from the experiment seed and the step so that every step's randomness is fixed
 * by the config alone: a step that is redone after a crash, or replayed in another run, shuffles and drops images
 * exactly as the first time.
 */
final class StepSeeds {

  private static final long INIT_SALT = 0x5EED_1A17L;
  private static final long TRAIN_SALT = 0x5EED_7A1EL;

  private StepSeeds() {}

  /** Seed of a new model's initial weights. */
  static long initialWeights(long seed) {
    return mix(seed ^ INIT_SALT);
  }

  /** Seed of step {@code step}'s shuffles and image dropout (step 0 is pretraining). */
  static long training(long seed, int step) {
    return mix(mix(seed ^ TRAIN_SALT) + step);
  }

  /** SplitMix64's finaliser: neighbouring inputs give unrelated outputs. */
  private static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
