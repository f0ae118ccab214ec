package io.adaptstream.schemas.serde;

import io.adaptstream.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Serdes for the catalogue's Avro values, all sharing one registry client (and so one cache). */
public final class AvroSerdes {

  /** Config key read when a serializer is created by class name, as in Confluent's serdes. */
  public static final String REGISTRY_URL_CONFIG = "schema.registry.url";

  private final SchemaRegistryClient registry;

  public AvroSerdes(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  public AvroSerdes(String registryUrl) {
    this(new SchemaRegistryClient(registryUrl));
  }

  public SchemaRegistryClient registry() {
    return registry;
  }

  public <T extends SpecificRecord> ConfluentAvroSerializer<T> serializer() {
    return new ConfluentAvroSerializer<>(registry);
  }

  public <T extends SpecificRecord> ConfluentAvroDeserializer<T> deserializer(Class<T> type) {
    return new ConfluentAvroDeserializer<>(type, registry);
  }

  /** A value serde for {@code type}. */
  public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
    return Serdes.serdeFrom(serializer(), deserializer(type));
  }

  static SchemaRegistryClient clientFrom(Map<String, ?> configs) {
    Object url = configs.get(REGISTRY_URL_CONFIG);
    if (url == null || url.toString().isBlank()) {
      throw new ConfigException(REGISTRY_URL_CONFIG + " is required for the Confluent Avro serde");
    }
    return new SchemaRegistryClient(url.toString());
  }
}
