package io.adaptstream.schemas.serde;

import io.adaptstream.schemas.registry.SchemaRegistryClient;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format Avro into a SpecificRecord: the writer schema comes from the registry by the id
 * in the header, the reader schema is the generated class's, and Avro's schema resolution bridges the two
 * (which is how a consumer on a newer schema reads older records).
 *
 * <p>Our small replacement for Confluent's deserializer, which is not on Maven Central. Errors are
 * {@link SerializationException}s that say what is wrong, so callers can dead-letter the record; an id the
 * registry does not know is an {@link UnknownSchemaException}. {@link io.adaptstream.schemas.PoisonReason#of}
 * tells poison from a registry that could not be reached.
 */
public final class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

  private static final int HTTP_NOT_FOUND = 404;

  private final Class<T> type;
  private final Schema readerSchema;
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
  private SchemaRegistryClient registry;

  public ConfluentAvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
    TrustedAvroClasses.ensure();
    this.type = type;
    this.readerSchema = SpecificData.get().getSchema(type);
    this.registry = registry;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (registry == null) {
      registry = AvroSerdes.clientFrom(configs);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    int id = ConfluentWireFormat.schemaId(data);
    SpecificDatumReader<T> reader;
    try {
      reader = readers.computeIfAbsent(id, i -> new SpecificDatumReader<>(registry.getById(i), readerSchema));
    } catch (SchemaRegistryException e) {
      if (e.status() == HTTP_NOT_FOUND) {
        throw new UnknownSchemaException(id, "schema id " + id + " of a record of " + topic
            + " is not in the registry: " + e.getMessage(), e);
      }
      throw new SerializationException("cannot get writer schema " + id + " for a record of " + topic + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new SerializationException("cannot get writer schema " + id + " for a record of " + topic + ": "
          + e.getMessage(), e);
    }
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, ConfluentWireFormat.HEADER_BYTES,
          data.length - ConfluentWireFormat.HEADER_BYTES, null);
      T value = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new SerializationException("trailing bytes after " + type.getSimpleName() + " in " + topic);
      }
      return value;
    } catch (IOException | RuntimeException e) {
      if (e instanceof SerializationException se) {
        throw se;
      }
      throw new SerializationException("cannot read " + type.getSimpleName() + " (schema id " + id + ") from "
          + topic + ": " + e, e);
    }
  }
}
