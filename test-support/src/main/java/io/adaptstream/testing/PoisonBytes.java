package io.adaptstream.testing;

import io.adaptstream.schemas.PoisonReason;
import java.nio.charset.StandardCharsets;

/**
 * Record values no reader can use, one per {@link PoisonReason} that is about bytes: what tests inject into a topic
 * to check that its readers dead-letter them and go on.
 */
public final class PoisonBytes {

  /** A schema id no test registry hands out (ids count up from 1). */
  public static final int UNKNOWN_SCHEMA_ID = 0x7fff_ff00;

  private PoisonBytes() {}

  /** JSON where Avro is expected: magic byte {@code '{'}, not 0. */
  public static byte[] notWireFormat() {
    return "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);
  }

  /** Shorter than the wire format's 5-byte header. */
  public static byte[] tooShort() {
    return new byte[] {0, 1};
  }

  /** The wire format with {@link #UNKNOWN_SCHEMA_ID} and a few body bytes. */
  public static byte[] unknownSchema() {
    int id = UNKNOWN_SCHEMA_ID;
    return new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id, 2, 'x', 0};
  }
}
