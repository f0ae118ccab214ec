package io.adaptstream.schemas;

import io.adaptstream.schemas.registry.SchemaRegistryException;
import io.adaptstream.schemas.serde.UnknownSchemaException;
import java.util.Optional;

/**
 * The {@code reason} codes of a {@link io.adaptstream.avro.DeadLetter} for a poison record, defined once for every
 * reader of every topic: a record no reader can ever use, which goes to the dead-letter topic so that the rest of
 * the step goes on. Readers add codes of their own for records that are readable but refused (a duplicate, a late
 * record); these three mean the same thing wherever they appear.
 */
public enum PoisonReason {
  /** Not in the Confluent wire format (no magic byte 0, under 5 bytes) or not Avro of the topic's type. */
  UNDESERIALISABLE("undeserialisable"),
  /** In the wire format, but naming a schema id the registry does not have. */
  UNKNOWN_SCHEMA("unknown_schema"),
  /** Well-formed, but of a step (or release) that does not exist and cannot exist yet in a correct run. */
  UNKNOWN_STEP("unknown_step");

  private final String code;

  PoisonReason(String code) {
    this.code = code;
  }

  /** The code written to {@code DeadLetter.reason}. */
  public String code() {
    return code;
  }

  /**
   * What a failure to deserialise a record means: {@link #UNKNOWN_SCHEMA} for an id the registry does not know,
   * {@link #UNDESERIALISABLE} for bytes that cannot be read, and empty when the registry could not be asked (down,
   * overloaded): that is no fault of the record, which must be read again later, not dead-lettered.
   */
  public static Optional<PoisonReason> of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnknownSchemaException) {
        return Optional.of(UNKNOWN_SCHEMA);
      }
      if (t instanceof SchemaRegistryException sre && sre.unavailable()) {
        return Optional.empty();
      }
    }
    return Optional.of(UNDESERIALISABLE);
  }

  @Override
  public String toString() {
    return code;
  }
}
