package io.adaptstream.trainer;

import io.adaptstream.runtime.ProducerFactory;
import io.adaptstream.runtime.TopicAdmin;
import io.adaptstream.runtime.TopicReader;
import io.adaptstream.schemas.TopicCatalogue;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Creates the trainer's Kafka clients, so that {@link TrainerService} is handed its sources and its sink instead of
 * building them: tests can give it a producer that dies before a commit, or mock consumers, without touching the
 * loop. {@link #kafka(TrainerConfig)} gives the real clients with the settings exactly-once needs.
 *
 * <p>The service closes every client it gets, on the thread that runs it.
 */
public interface TrainerClients {

  /** Creates the catalogue's missing topics (idempotent); called once, before any other client is made. */
  void ensureTopics(TopicCatalogue catalogue, short replicationFactor);

  /** The run's one transactional producer (its transactional id fences any earlier trainer of the run). */
  Producer<String, SpecificRecord> transactionalProducer();

  /**
   * A read_committed consumer of raw records, auto-commit off, reading from the earliest offset when nothing is
   * committed.
   *
   * @param group the group whose offsets it commits through the producer's transactions; null for none
   * @param role names the consumer in its client id
   */
  Consumer<byte[], byte[]> consumer(String group, String role);

  /** Real Kafka clients from {@code config}'s client settings. */
  static TrainerClients kafka(TrainerConfig config) {
    String clientId = TrainerService.clientId(config);
    return new TrainerClients() {
      @Override
      public void ensureTopics(TopicCatalogue catalogue, short replicationFactor) {
        Admin admin = Admin.create(config.clientProps());
        try {
          TopicAdmin.ensure(admin, catalogue.all(), replicationFactor);
        } finally {
          admin.close(Duration.ofSeconds(5));
        }
      }

      @Override
      public Producer<String, SpecificRecord> transactionalProducer() {
        Map<String, Object> props = new HashMap<>(config.clientProps());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.catalogue().runScopedName(TrainerService.SERVICE));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        return ProducerFactory.KAFKA.create(props, new StringSerializer(), config.serdes().<SpecificRecord>serializer());
      }

      @Override
      public Consumer<byte[], byte[]> consumer(String group, String role) {
        Map<String, Object> props = TopicReader.readerProps(config.clientProps());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + role);
        if (group != null) {
          props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      }
    };
  }
}
