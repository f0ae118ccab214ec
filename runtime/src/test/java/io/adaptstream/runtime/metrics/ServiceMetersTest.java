package io.adaptstream.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ServiceMetersTest {

  @Test
  void shouldServeTheClientsOfTwoServicesSideBySideWhenTheyShareOneRegistry() throws Exception {
    // given one registry (local mode) that reports any meter it refuses
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<String> refused = new ArrayList<>();
    registry.config().onMeterRegistrationFailed((id, reason) -> refused.add(id.getName() + ": " + reason));
    ServiceMeters scoring = new ServiceMeters(registry, "scoring");
    ServiceMeters trainer = new ServiceMeters(registry, "trainer");
    Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");

    // when each binds its clients (no broker needed: a client has its metrics from the start)
    try (KafkaConsumer<byte[], byte[]> c1 = consumer(props, "scoring-requests");
        KafkaConsumer<byte[], byte[]> c2 = consumer(props, "trainer-selections");
        KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            "127.0.0.1:9", ProducerConfig.CLIENT_ID_CONFIG, "scoring-producer"), new StringSerializer(),
            new StringSerializer());
        AutoCloseable b1 = scoring.bind(c1);
        AutoCloseable b2 = trainer.bind(c2);
        AutoCloseable b3 = scoring.bind(p)) {
      String scrape = registry.scrape();

      // then both services' consumers and the producer are there, tagged, and nothing was refused
      assertThat(refused).isEmpty();
      assertThat(scrape)
          .containsPattern("kafka_consumer_[a-z_]+\\{[^}]*client_id=\"scoring-requests\"[^}]*service=\"scoring\"")
          .containsPattern("kafka_consumer_[a-z_]+\\{[^}]*client_id=\"trainer-selections\"[^}]*service=\"trainer\"")
          .containsPattern("kafka_producer_[a-z_]+\\{[^}]*client_id=\"scoring-producer\"");
    }
  }

  @Test
  void shouldBindNothingAndNotFailWhenAClientHasNoMetrics() throws Exception {
    // given a test double without metrics
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest");

    // when it is bound, then the service goes on, with no Kafka meters
    try (AutoCloseable binder = new ServiceMeters(registry, "trainer").bind(mock)) {
      assertThat(registry.getMeters()).noneMatch(m -> m.getId().getName().startsWith("kafka."));
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> base, String clientId) {
    Map<String, Object> props = new java.util.HashMap<>(base);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
