package io.adaptstream.selector;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.runtime.metrics.ServiceMeters;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelectorMetricsTest {

  @TempDir
  Path stateDir;

  @Test
  void shouldServeStreamsAndAnotherServicesClientMetricsSideBySideWhenLocalModeSharesOneRegistry() throws Exception {
    // given one registry, as local mode has, that reports any meter it refuses
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<String> refused = new ArrayList<>();
    registry.config().onMeterRegistrationFailed((id, reason) -> refused.add(id.getName() + ": " + reason));
    StreamsBuilder topology = new StreamsBuilder();
    topology.stream("in").to("out");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());

    // when the selector's Kafka Streams (not started: its metrics exist from the start) and the trainer's consumer
    // are bound to it, with the selector's own meters
    try (KafkaStreams streams = new KafkaStreams(topology.build(), props);
        KafkaConsumer<byte[], byte[]> trainer = new KafkaConsumer<>(Map.of("bootstrap.servers", "127.0.0.1:9",
            "client.id", "trainer-ingest"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        AutoCloseable trainerMetrics = new ServiceMeters(registry, "trainer").bind(trainer);
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams,
            new SelectorMetrics(registry).meters().tags())) {
      streamsMetrics.bindTo(registry);
      String scrape = registry.scrape();

      // then all of them are served and none was refused
      assertThat(refused).isEmpty();
      assertThat(scrape)
          .containsPattern("kafka_stream_[a-z_]+\\{[^}]*service=\"selector\"")
          .containsPattern("kafka_consumer_[a-z_]+\\{[^}]*client_id=\"trainer-ingest\"[^}]*service=\"trainer\"")
          .contains("adapt_selector_pool_size{service=\"selector\"} 0.0");
    }
  }
}
