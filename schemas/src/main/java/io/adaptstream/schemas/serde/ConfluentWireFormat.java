package io.adaptstream.schemas.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: byte 0 is the magic byte {@code 0x00}, bytes 1-4 the schema id as a big-endian
 * int32 as returned by the schema registry, then the Avro binary encoding of the record.
 */
public final class ConfluentWireFormat {

  public static final byte MAGIC = 0x0;
  public static final int HEADER_BYTES = 5;

  private ConfluentWireFormat() {}

  /** The schema id a framed payload was written with; throws if the framing is not Confluent's. */
  public static int schemaId(byte[] framed) {
    if (framed == null || framed.length < HEADER_BYTES) {
      throw new SerializationException("not in Confluent wire format: "
          + (framed == null ? "null" : framed.length + " bytes") + ", need at least " + HEADER_BYTES);
    }
    if (framed[0] != MAGIC) {
      throw new SerializationException("unknown magic byte " + framed[0] + " (expected 0): not in Confluent wire format");
    }
    return ByteBuffer.wrap(framed, 1, 4).getInt();
  }
}
