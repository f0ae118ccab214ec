package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.localregistry.LocalSchemaRegistry;
import io.adaptstream.runtime.TopicAdmin;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same Avro round trip against the broker image that compose/ deploys, where a Docker engine exists
 * (skipped otherwise).
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerRoundTripIT {

  @Container
  static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.2");

  @Test
  void shouldRoundTripAvroRecordsThroughTheContainerBroker() throws Exception {
    try (LocalSchemaRegistry registry = LocalSchemaRegistry.start();
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers()))) {
      TopicCatalogue topics = TopicCatalogue.of("container", TopicCatalogue.DEFAULT_RUN, 3);
      TopicAdmin.ensure(admin, topics);

      int id = RoundTrip.produceAndReadBack(KAFKA.getBootstrapServers(), registry.url(), topics.dlq, "tc/1",
          RoundTrip.deadLetter("container"));

      assertThat(new SchemaRegistryClient(registry.url()).getById(id)).isEqualTo(DeadLetter.getClassSchema());
    }
  }
}
