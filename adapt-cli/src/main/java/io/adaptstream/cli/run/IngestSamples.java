package io.adaptstream.cli.run;

import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Split;
import io.adaptstream.runtime.TopicReader;
import io.adaptstream.schemas.TopicCatalogue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The samples of the deployment's shared ingest log, read to its end (read_committed, no consumer group), per
 * release and split, each sample id once per release (the first read, as the trainer's view keeps it). For work
 * done outside the pipeline on exactly the samples the pipeline saw, such as the joint reference's fit.
 */
public final class IngestSamples {

  private static final Logger LOG = LoggerFactory.getLogger(IngestSamples.class);

  /** Per release, per split, samples by id. */
  private final Map<String, Map<Split, Map<String, Sample>>> byRelease = new HashMap<>();

  private IngestSamples() {}

  /**
   * Reads the ingest log of {@code deployment} to its current end, within {@code timeout}.
   *
   * @throws io.adaptstream.runtime.ReadIncompleteException when the end is not reached in time
   */
  public static IngestSamples read(Deployment deployment, Duration timeout) {
    TopicCatalogue catalogue = deployment.catalogue(TopicCatalogue.DEFAULT_RUN);
    List<TopicPartition> parts = new ArrayList<>();
    for (int p = 0; p < catalogue.ingest.partitions(); p++) {
      parts.add(new TopicPartition(catalogue.ingest.name(), p));
    }
    var reader = deployment.serdes().deserializer(IngestEvent.class);
    IngestSamples out = new IngestSamples();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(TopicReader.readerProps(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, deployment.bootstrapServers(),
        ConsumerConfig.CLIENT_ID_CONFIG, "adapt-ingest-samples")), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      TopicReader.readFromBeginning(consumer, parts, timeout, () -> { }, r -> {
        if (r.value() == null) {
          return;
        }
        try {
          if (reader.deserialize(r.topic(), r.value()).getPayload() instanceof Sample s) {
            out.byRelease.computeIfAbsent(s.getRelease(), k -> new HashMap<>())
                .computeIfAbsent(s.getSplit(), k -> new TreeMap<>()).putIfAbsent(s.getId(), s);
          }
        } catch (RuntimeException e) {
          // the pipeline's services skip such records too (the selector reports them)
          LOG.warn("unreadable ingest record {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(),
              e.getMessage());
        }
      });
    }
    return out;
  }

  /**
   * The samples of {@code split} of {@code releases}, in sample id order, each id once (under the first release
   * given that holds it, as the trainer evaluates a test sample under the earliest release).
   */
  public List<Sample> samples(Collection<String> releases, Split split) {
    Map<String, Sample> out = new TreeMap<>();
    for (String release : releases) {
      byRelease.getOrDefault(release, Map.of()).getOrDefault(split, Map.of()).forEach(out::putIfAbsent);
    }
    return List.copyOf(out.values());
  }
}
