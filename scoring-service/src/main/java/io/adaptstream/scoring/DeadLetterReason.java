package io.adaptstream.scoring;

import io.adaptstream.blob.BlobIntegrityException;
import io.adaptstream.model.InvalidExampleException;
import io.adaptstream.schemas.PoisonReason;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Why a score request was dead-lettered instead of scored: the {@code reason} code of its
 * {@link io.adaptstream.avro.DeadLetter}, short and machine-readable so operators can group and alert on it.
 */
public enum DeadLetterReason {
  /** The record's bytes are not a {@code ScoreRequestEvent} (or the value is null). */
  UNDESERIALISABLE(PoisonReason.UNDESERIALISABLE.code()),
  /** The record is in the wire format but names a schema id the registry does not have. */
  UNKNOWN_SCHEMA(PoisonReason.UNKNOWN_SCHEMA.code()),
  /**
   * The request names a model version past the one after the newest on the models topic: versions are published
   * in order, each before the step that needs it starts, so no step can need it.
   */
  UNKNOWN_STEP(PoisonReason.UNKNOWN_STEP.code()),
  /** The requested model version did not appear on the models topic in time. */
  UNKNOWN_MODEL("unknown_model"),
  /** The model version exists but its checkpoint cannot be loaded (missing, corrupt, config mismatch). */
  MODEL_UNAVAILABLE("model_unavailable"),
  /** An image of the sample is not in the blob store. */
  MISSING_BLOB("missing_blob"),
  /** An image's bytes do not hash to the sha256 the sample names. */
  CORRUPT_BLOB("corrupt_blob"),
  /** An image could not be read from the blob store for another reason. */
  UNREADABLE_BLOB("unreadable_blob"),
  /** An image is not a decodable PNG or JPEG. */
  UNDECODABLE_IMAGE("undecodable_image"),
  /** The sample cannot be turned into a model example (no answer turn, malformed image reference, ...). */
  INVALID_SAMPLE("invalid_sample"),
  /** The model failed on this sample alone (its micro-batch was retried sample by sample). */
  SCORING_FAILED("scoring_failed");

  private final String code;

  DeadLetterReason(String code) {
    this.code = code;
  }

  /** The code written to {@code DeadLetter.reason}. */
  public String code() {
    return code;
  }

  /** The reason a failure while reading or preparing one request stands for. */
  public static DeadLetterReason of(Throwable failure) {
    if (failure instanceof UnscorableException u) {
      return u.reason();
    }
    if (failure instanceof SerializationException) {
      return PoisonReason.of(failure).orElse(PoisonReason.UNDESERIALISABLE) == PoisonReason.UNKNOWN_SCHEMA
          ? UNKNOWN_SCHEMA : UNDESERIALISABLE;
    }
    if (failure instanceof NoSuchFileException || failure instanceof FileNotFoundException) {
      return MISSING_BLOB;
    }
    if (failure instanceof BlobIntegrityException) {
      return CORRUPT_BLOB;
    }
    if (failure instanceof InvalidExampleException e) {
      return e.getCause() instanceof IOException ? UNDECODABLE_IMAGE : INVALID_SAMPLE;
    }
    if (failure instanceof IOException) {
      return UNREADABLE_BLOB;
    }
    if (failure instanceof IllegalArgumentException) {
      return INVALID_SAMPLE;
    }
    return SCORING_FAILED;
  }

  @Override
  public String toString() {
    return code;
  }
}
