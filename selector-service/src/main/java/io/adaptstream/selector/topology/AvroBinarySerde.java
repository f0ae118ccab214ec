package io.adaptstream.selector.topology;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary (no registry, no header) for the selector's state stores.
 *
 * <p>Store values never leave the application except through their changelogs, which only this application
 * restores, so the registry round trip and the 5-byte header of the topic serde buy nothing there; the writer
 * schema is the generated class's. Changing a stored record's schema therefore needs a new run (or a reset),
 * which the selector's determinism contract asks for anyway.
 */
final class AvroBinarySerde<T extends SpecificRecord> implements Serde<T> {

  static {
    // Avro 1.12 only instantiates trusted record classes; ours live in one generated package
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
        ClassSecurityValidator.getGlobal(), c -> c.getName().startsWith("io.adaptstream.avro.")));
  }

  private final Class<T> type;
  private final Schema schema;
  // a writer keeps no per-write state, so threads share one (as the topic serializer does); a reader is fastest on
  // the thread that created it, so each thread has its own (stores of several threads share a serde)
  private final SpecificDatumWriter<T> writer;
  private final ThreadLocal<SpecificDatumReader<T>> readers;
  private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  private AvroBinarySerde(Class<T> type) {
    this.type = type;
    this.schema = SpecificData.get().getSchema(type);
    this.writer = new SpecificDatumWriter<>(schema);
    this.readers = ThreadLocal.withInitial(() -> new SpecificDatumReader<>(schema, schema));
  }

  static <T extends SpecificRecord> AvroBinarySerde<T> of(Class<T> type) {
    return new AvroBinarySerde<>(type);
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, data) -> {
      if (data == null) {
        return null;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      try {
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, encoders.get()); // buffered: block writes
        encoders.set(encoder);
        writer.write(data, encoder);
        encoder.flush();
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("cannot write " + type.getSimpleName() + " to a state store: " + e, e);
      }
      return out.toByteArray();
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, data) -> {
      if (data == null) {
        return null;
      }
      try {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, decoders.get());
        decoders.set(decoder);
        return readers.get().read(null, decoder);
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("cannot read " + type.getSimpleName() + " from a state store: " + e, e);
      }
    };
  }
}
