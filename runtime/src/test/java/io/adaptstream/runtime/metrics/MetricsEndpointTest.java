package io.adaptstream.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.schemas.DeadLetters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tag;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeThePrometheusTextFormatWithTheServicesMetersWhenEventsWereRecorded() throws Exception {
    // given an endpoint on a free loopback port and a service recording into its registry
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(MetricsSettings.anyLoopbackPort())) {
      ServiceMeters meters = new ServiceMeters(endpoint.registry(), "scoring");

      // when a dead letter is written and a phase is timed
      meters.deadLetter("undeserialisable");
      meters.deadLetter("undeserialisable");
      meters.phaseTook("scoring", 1_500_000_000L);
      HttpResponse<String> response = get(endpoint.uri().orElseThrow());

      // then the scrape is Prometheus text with the adapt_ meters, tagged by service, and the JVM's own
      assertThat(endpoint.uri().orElseThrow().toString()).startsWith("http://127.0.0.1:").endsWith("/metrics");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).contains(MetricsEndpoint.CONTENT_TYPE);
      assertThat(response.body())
          .contains("# TYPE adapt_dead_letters_total counter")
          .contains("adapt_dead_letters_total{reason=\"undeserialisable\",service=\"scoring\"} 2.0")
          .contains("adapt_step_phase_seconds_count{phase=\"scoring\",service=\"scoring\"} 1")
          .contains("adapt_step_phase_seconds_sum{phase=\"scoring\",service=\"scoring\"} 1.5")
          .contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void shouldCountOnlyTheDeadLettersAmongCommittedRecordsWhenGivenABatch() throws Exception {
    // given a committed batch of a score, two dead letters and a marker
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(new MetricsSettings("127.0.0.1", MetricsSettings.OFF))) {
      ServiceMeters meters = new ServiceMeters(endpoint.registry(), "trainer");
      DeadLetter unknown = DeadLetters.of("adapt.selections", 0, 7, "trainer", "unknown_step", "step 9", null, null);
      DeadLetter corrupt = DeadLetters.of("adapt.ingest", 1, 3, "trainer", "corrupt_image", "bad png", null, null);
      List<ProducerRecord<String, Object>> batch = List.of(new ProducerRecord<>("adapt.models", "m@1", "version"),
          new ProducerRecord<>("adapt.dlq", DeadLetters.key(unknown), unknown),
          new ProducerRecord<>("adapt.dlq", DeadLetters.key(corrupt), corrupt));

      // when they are counted
      meters.deadLetters(batch);

      // then each reason counts once, and nothing is served
      assertThat(endpoint.registry().get(ServiceMeters.DEAD_LETTERS).tag("reason", "unknown_step").counter().count())
          .isEqualTo(1.0);
      assertThat(endpoint.registry().get(ServiceMeters.DEAD_LETTERS).tag("reason", "corrupt_image").counter().count())
          .isEqualTo(1.0);
      assertThat(endpoint.uri()).isEmpty();
    }
  }

  @Test
  void shouldExportEveryStateStoresMeterWhenStoresOfDifferentTypesReportTheSameMetric() throws Exception {
    // given an endpoint, and one metric reported by a RocksDB store and an in-memory store, as Kafka Streams
    // tags them (the store's id under a key naming its type)
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(MetricsSettings.anyLoopbackPort())) {
      Gauge.builder("kafka.stream.state.oldest.iterator.open.since.ms", () -> 7.0)
          .tags(List.of(Tag.of("rocksdb.state.id", "pool-step"), Tag.of("task.id", "0_1")))
          .register(endpoint.registry());
      Gauge.builder("kafka.stream.state.oldest.iterator.open.since.ms", () -> 9.0)
          .tags(List.of(Tag.of("in.memory.hash.state.id", "clusters"), Tag.of("task.id", "0_1")))
          .register(endpoint.registry());

      // when scraped
      String body = get(endpoint.uri().orElseThrow()).body();

      // then both stores are there, under one set of tag keys
      assertThat(body)
          .contains("kafka_stream_state_oldest_iterator_open_since_ms{state_id=\"pool-step\","
              + "store_type=\"rocksdb\",task_id=\"0_1\"} 7.0")
          .contains("kafka_stream_state_oldest_iterator_open_since_ms{state_id=\"clusters\","
              + "store_type=\"in.memory.hash\",task_id=\"0_1\"} 9.0");
    }
  }

  @Test
  void shouldAnswerNotFoundWhenAnotherPathIsAsked() throws Exception {
    // given a running endpoint
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(MetricsSettings.anyLoopbackPort())) {
      URI metrics = endpoint.uri().orElseThrow();

      // when another path is asked
      HttpResponse<String> response = get(metrics.resolve("/other"));

      // then it is not there
      assertThat(response.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void shouldFailWithTheAddressWhenThePortIsTaken() throws Exception {
    // given an endpoint holding a port
    try (MetricsEndpoint first = MetricsEndpoint.start(MetricsSettings.anyLoopbackPort())) {
      int port = first.uri().orElseThrow().getPort();

      // when a second one asks for the same port, then it fails naming it
      assertThatThrownBy(() -> MetricsEndpoint.start(new MetricsSettings("127.0.0.1", port)))
          .isInstanceOf(IOException.class).hasMessageContaining("127.0.0.1:" + port);
    }
  }

  @Test
  void shouldRefuseAPortOutOfRangeWhenSettingsAreMade() {
    assertThatThrownBy(() -> new MetricsSettings("127.0.0.1", -2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MetricsSettings("127.0.0.1", 65_536)).isInstanceOf(IllegalArgumentException.class);
  }
}
