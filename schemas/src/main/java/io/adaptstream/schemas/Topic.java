package io.adaptstream.schemas;

import io.adaptstream.schemas.serde.AvroSerdes;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One entry of the {@link TopicCatalogue}: a topic's physical name with the serdes and settings that go with it.
 *
 * <p>Keys are always UTF-8 strings (sample ids, release names, model names, steps); values are Avro
 * SpecificRecords in the Confluent wire format. Keeping the pair in one place means no service can write a
 * topic with a serde its readers do not expect.
 *
 * @param logical the name from the architecture brief, e.g. {@code scores}
 * @param name the physical topic name (prefix and run applied)
 * @param valueType the Avro record carried as value
 * @param partitions partition count used when the topic is created
 * @param cleanup {@code delete} or {@code compact}
 * @param retentionMs {@code -1} keeps records forever
 */
public record Topic<V extends SpecificRecord>(
    String logical, String name, Class<V> valueType, int partitions, Cleanup cleanup, long retentionMs) {

  /** Kafka's {@code cleanup.policy}. */
  public enum Cleanup {
    DELETE(TopicConfig.CLEANUP_POLICY_DELETE),
    COMPACT(TopicConfig.CLEANUP_POLICY_COMPACT);

    private final String policy;

    Cleanup(String policy) {
      this.policy = policy;
    }

    public String policy() {
      return policy;
    }
  }

  public Topic {
    Objects.requireNonNull(logical, "logical");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueType, "valueType");
    Objects.requireNonNull(cleanup, "cleanup");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1 for " + name);
    }
  }

  public Serde<String> keySerde() {
    return Serdes.String();
  }

  public Serde<V> valueSerde(AvroSerdes serdes) {
    return serdes.serde(valueType);
  }

  /** The topic as Kafka's admin client creates it. */
  public NewTopic newTopic(short replicationFactor) {
    return new NewTopic(name, partitions, replicationFactor)
        .configs(Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, cleanup.policy(),
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs)));
  }

  @Override
  public String toString() {
    return name;
  }
}
