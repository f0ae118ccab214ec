package io.adaptstream.scoring;

/** Finds and loads the model version a score request names. */
@FunctionalInterface
interface ModelSource {

  /**
   * The loaded version; {@link DeadLetterReason#UNKNOWN_MODEL} when it does not appear in time,
   * {@link DeadLetterReason#MODEL_UNAVAILABLE} when it cannot be loaded.
   */
  ScoringModel model(String model, int version) throws UnscorableException;

  /** The key of a model version on the models topic. */
  static String key(String model, int version) {
    return model + "@" + version;
  }
}
