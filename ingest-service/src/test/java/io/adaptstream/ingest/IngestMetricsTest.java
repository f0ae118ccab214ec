package io.adaptstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestMetricsTest {

  @Test
  void shouldRenderSamplesReleasesAndDeadLettersByReasonWhenAReleaseIsSealed() {
    // given
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IngestMetrics metrics = new IngestMetrics(registry);
    IngestResult result = new IngestResult("r1", 1, 40, 2, Map.of("corrupt_image", 3L, "path_escape", 1L), false,
        List.of(20L, 20L));

    // when the release is sealed, and a second dataset fails
    metrics.published(result, 2_000_000_000L);
    metrics.failed();
    String scrape = registry.scrape();

    // then
    assertThat(scrape)
        .contains("adapt_ingest_samples_total{outcome=\"accepted\",service=\"ingest\"} 40.0")
        .contains("adapt_ingest_samples_total{outcome=\"duplicate\",service=\"ingest\"} 2.0")
        .contains("adapt_ingest_samples_total{outcome=\"rejected\",service=\"ingest\"} 4.0")
        .contains("adapt_ingest_releases_total{outcome=\"published\",service=\"ingest\"} 1.0")
        .contains("adapt_ingest_releases_total{outcome=\"failed\",service=\"ingest\"} 1.0")
        .contains("adapt_dead_letters_total{reason=\"corrupt_image\",service=\"ingest\"} 3.0")
        .contains("adapt_dead_letters_total{reason=\"path_escape\",service=\"ingest\"} 1.0")
        .contains("adapt_step_phase_seconds_count{phase=\"publishing\",service=\"ingest\"} 1");
  }

  @Test
  void shouldCountNothingAgainWhenTheReleaseWasAlreadySealed() {
    // given a release sealed before
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IngestMetrics metrics = new IngestMetrics(registry);
    IngestResult again = new IngestResult("r1", 1, 40, 0, Map.of("corrupt_image", 3L), true, List.of(40L));

    // when its dataset is dropped again
    metrics.published(again, 1_000_000L);

    // then no sample or dead letter counts twice
    assertThat(registry.get(IngestMetrics.SAMPLES).tag("outcome", "accepted").counter().count()).isZero();
    assertThat(registry.find(io.adaptstream.runtime.metrics.ServiceMeters.DEAD_LETTERS).counters()).isEmpty();
  }
}
