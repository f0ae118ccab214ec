package io.adaptstream.cli.dashboard;

import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.Sample;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.runtime.TopicReader;
import io.adaptstream.schemas.TopicCatalogue;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Finds a sample by id in the deployment's ingest log (the only place that holds its text and image references
 * for every sample, selected or not), reading it to its end once per sample asked for; the last answers are kept,
 * since a sample never changes.
 */
final class SampleLookup {

  private static final int CACHED = 256;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Deployment deployment;
  private final Admin admin;
  private final Map<String, Sample> cache = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Sample> eldest) {
      return size() > CACHED;
    }
  };

  SampleLookup(Deployment deployment, Admin admin) {
    this.deployment = deployment;
    this.admin = admin;
  }

  /** The sample with id {@code sampleId}, or empty when the log holds none. */
  Optional<Sample> find(String sampleId) {
    synchronized (cache) {
      Sample hit = cache.get(sampleId);
      if (hit != null) {
        return Optional.of(hit);
      }
    }
    TopicCatalogue catalogue = deployment.catalogue(TopicCatalogue.DEFAULT_RUN);
    Deserializer<IngestEvent> reader = deployment.serdes().deserializer(IngestEvent.class);
    AtomicReference<Sample> found = new AtomicReference<>();
    new TopicReader(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, deployment.bootstrapServers(),
        ConsumerConfig.CLIENT_ID_CONFIG, "adapt-dashboard-samples"), admin, TIMEOUT)
        .read(catalogue.ingest.name(), catalogue.ingest.partitions(), List.of(), r -> {
          if (found.get() == null && sampleId.equals(r.key()) && r.value() != null) {
            try {
              if (reader.deserialize(r.topic(), r.value()).getPayload() instanceof Sample s) {
                found.set(s);
              }
            } catch (RuntimeException e) {
              // a poison record under this key: not a sample to show
            }
          }
        });
    Sample s = found.get();
    if (s != null) {
      synchronized (cache) {
        cache.put(sampleId, s);
      }
    }
    return Optional.ofNullable(s);
  }
}
