package io.adaptstream.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record in the Confluent wire format whose schema id the registry does not know (it answered 404). The record
 * can never be read, unlike one met while the registry is unreachable, so readers dead-letter it as
 * {@link io.adaptstream.schemas.PoisonReason#UNKNOWN_SCHEMA} instead of retrying.
 */
public final class UnknownSchemaException extends SerializationException {

  private static final long serialVersionUID = 1L;

  private final int schemaId;

  public UnknownSchemaException(int schemaId, String message, Throwable cause) {
    super(message, cause);
    this.schemaId = schemaId;
  }

  public int schemaId() {
    return schemaId;
  }
}
