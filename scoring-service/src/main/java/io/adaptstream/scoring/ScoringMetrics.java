package io.adaptstream.scoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throughput of a worker: Micrometer meters for whatever scrapes them, and a log line per report interval with
 * the samples/s since the previous line.
 *
 * <p>Meters: {@value #SAMPLES} (counter, tag {@code outcome} = {@code scored} or {@code dead_lettered}),
 * {@value #MARKERS} (counter) and {@value #BATCH} (timer: reading, scoring and committing one polled batch).
 */
final class ScoringMetrics {

  static final String SAMPLES = "adapt.scoring.samples";
  static final String MARKERS = "adapt.scoring.markers";
  static final String BATCH = "adapt.scoring.batch";

  private static final Logger LOG = LoggerFactory.getLogger(ScoringMetrics.class);

  private final Counter scored;
  private final Counter deadLettered;
  private final Counter markers;
  private final Timer batch;
  private final long intervalNanos;
  private long windowStart = System.nanoTime();
  private long windowScored;
  private long windowDead;
  private long windowBusyNanos;

  ScoringMetrics(MeterRegistry registry, String instanceId, Duration reportInterval) {
    scored = Counter.builder(SAMPLES).tag("outcome", "scored").tag("instance", instanceId)
        .description("score requests scored and written").register(registry);
    deadLettered = Counter.builder(SAMPLES).tag("outcome", "dead_lettered").tag("instance", instanceId)
        .description("score requests dead-lettered").register(registry);
    markers = Counter.builder(MARKERS).tag("instance", instanceId)
        .description("step markers forwarded to the scores topic").register(registry);
    batch = Timer.builder(BATCH).tag("instance", instanceId)
        .description("time to read, score and commit one polled batch").register(registry);
    intervalNanos = reportInterval.toNanos();
  }

  /** Records one committed batch and logs the rate when the interval is over. */
  void committed(BatchProcessor.Result result, long nanos) {
    scored.increment(result.scored());
    deadLettered.increment(result.deadLettered());
    markers.increment(result.markers());
    batch.record(Duration.ofNanos(nanos));
    windowScored += result.scored();
    windowDead += result.deadLettered();
    windowBusyNanos += nanos;
    maybeReport();
  }

  /** Logs the window's throughput if the interval is over and anything happened in it. */
  void maybeReport() {
    long now = System.nanoTime();
    long elapsed = now - windowStart;
    if (elapsed < intervalNanos) {
      return;
    }
    if (windowScored + windowDead > 0) {
      double seconds = elapsed / 1e9;
      LOG.info("scored {} samples in {} s: {} samples/s ({} samples/s while busy); {} dead-lettered; total {} "
              + "scored, {} dead-lettered", windowScored, String.format("%.1f", seconds),
          String.format("%.1f", windowScored / seconds),
          String.format("%.1f", windowBusyNanos == 0 ? 0.0 : windowScored / (windowBusyNanos / 1e9)), windowDead,
          (long) scored.count(), (long) deadLettered.count());
    }
    windowStart = now;
    windowScored = 0;
    windowDead = 0;
    windowBusyNanos = 0;
  }

  long scored() {
    return (long) scored.count();
  }

  long deadLettered() {
    return (long) deadLettered.count();
  }
}
