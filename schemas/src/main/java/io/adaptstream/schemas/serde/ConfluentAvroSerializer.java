package io.adaptstream.schemas.serde;

import io.adaptstream.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro SpecificRecords in the Confluent wire format, registering the writer schema under
 * {@code <topic>-value} (or {@code -key}) — Confluent's default TopicNameStrategy.
 *
 * <p>Confluent's serializer is not on Maven Central; this is our small replacement. Its bytes are the ones
 * Confluent's clients in any language read. Create it with a client, or by class name with
 * {@value AvroSerdes#REGISTRY_URL_CONFIG} in the configs.
 */
public final class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

  private SchemaRegistryClient registry;
  private boolean isKey;
  /** Writers hold no per-write state, so threads share them (as the deserializer shares its readers). */
  private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();
  /** A buffered encoder fills the output in blocks instead of a call per byte; each thread reuses its own. */
  private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

  public ConfluentAvroSerializer() {
    TrustedAvroClasses.ensure();
  }

  public ConfluentAvroSerializer(SchemaRegistryClient registry) {
    TrustedAvroClasses.ensure();
    this.registry = registry;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    if (registry == null) {
      registry = AvroSerdes.clientFrom(configs);
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    Schema schema = data.getSchema();
    int id;
    try {
      id = registry.register(topic + (isKey ? "-key" : "-value"), schema);
    } catch (RuntimeException e) {
      throw new SerializationException("cannot register schema " + schema.getFullName() + " for topic " + topic
          + ": " + e.getMessage(), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    out.write(ConfluentWireFormat.MAGIC);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    try {
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, encoders.get());
      encoders.set(encoder);
      writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(data, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot write " + schema.getFullName() + " for topic " + topic + ": " + e, e);
    }
    return out.toByteArray();
  }
}
