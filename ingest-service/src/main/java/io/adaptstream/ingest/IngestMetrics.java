package io.adaptstream.ingest;

import io.adaptstream.runtime.ProducerFactory;
import io.adaptstream.runtime.metrics.ServiceMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the drop-folder ingest service reports, for {@code /metrics}: {@code adapt_ingest_samples_total{outcome}}
 * ({@code accepted}, {@code duplicate}, {@code rejected}), {@code adapt_ingest_releases_total{outcome}}
 * ({@code published}, {@code failed}), {@code adapt_step_phase_seconds{service="ingest",phase="publishing"}} (one
 * release, validation to seal), the shared {@code adapt_dead_letters_total{service="ingest",reason}} (rejected
 * entries by reason) and the producers' {@code kafka_producer_*} metrics while a release is published.
 *
 * <p>Counts come from a release's result, after it is sealed: a publish resumed after a crash counts the whole
 * release once more; a dataset whose release was already sealed counts nothing.
 */
final class IngestMetrics {

  static final String SAMPLES = "adapt.ingest.samples";
  static final String RELEASES = "adapt.ingest.releases";
  static final String PHASE_PUBLISHING = "publishing";

  private final ServiceMeters meters;
  private final Counter accepted;
  private final Counter duplicates;
  private final Counter rejected;
  private final Counter published;
  private final Counter failed;
  private final Timer publishing;
  private final List<AutoCloseable> clients = new ArrayList<>();

  IngestMetrics(MeterRegistry registry) {
    meters = new ServiceMeters(registry, IngestJob.SERVICE);
    accepted = samples(registry, "accepted");
    duplicates = samples(registry, "duplicate");
    rejected = samples(registry, "rejected");
    published = releases(registry, "published");
    failed = releases(registry, "failed");
    publishing = meters.phase(PHASE_PUBLISHING);
  }

  private Counter samples(MeterRegistry registry, String outcome) {
    return Counter.builder(SAMPLES).tags(meters.tags("outcome", outcome))
        .description("dataset entries of sealed releases, by outcome").register(registry);
  }

  private Counter releases(MeterRegistry registry, String outcome) {
    return Counter.builder(RELEASES).tags(meters.tags("outcome", outcome))
        .description("datasets from the inbox, published or failed").register(registry);
  }

  /** Real producers whose metrics are bound until {@link #publishEnded()}. */
  ProducerFactory producers() {
    return (config, keys, values) -> {
      var producer = ProducerFactory.KAFKA.create(config, keys, values);
      synchronized (clients) {
        clients.add(meters.bind(producer));
      }
      return producer;
    };
  }

  void published(IngestResult result, long nanos) {
    publishing.record(Duration.ofNanos(nanos));
    if (result.alreadySealed()) {
      return; // nothing was written: the release was sealed before, and counted then
    }
    accepted.increment(result.accepted());
    duplicates.increment(result.duplicates());
    rejected.increment(result.rejectedTotal());
    for (Map.Entry<String, Long> e : result.rejected().entrySet()) {
      meters.deadLetters(e.getKey(), e.getValue());
    }
    published.increment();
  }

  void failed() {
    failed.increment();
  }

  /** A publish ended and closed its producers: their meters go too. */
  void publishEnded() {
    synchronized (clients) {
      clients.forEach(ServiceMeters::closeQuietly);
      clients.clear();
    }
  }
}
