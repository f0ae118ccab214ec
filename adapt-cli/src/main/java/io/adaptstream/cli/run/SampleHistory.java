package io.adaptstream.cli.run;

import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SampleProvenance;
import io.adaptstream.runtime.TopicReader;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.selector.query.ProvenanceView;
import io.adaptstream.selector.topology.StepKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sample's story in a run, read from the topics (read_committed, no consumer group), so it can be told after
 * the run has ended: where it came from (the first ingest record of it: release, id in the published file, the
 * partition and offset it was published at) and, step by step, what the selector did with it and why (the run's
 * provenance topic, {@code <step>/<sample id>} records, all on the partition of the sample id).
 *
 * @param origin the sample as first published; empty when the ingest log holds no such sample
 * @param steps the selector's provenance records of the sample, in step order (one per step it was in the pool)
 */
public record SampleHistory(String runId, String sampleId, Optional<Origin> origin, List<ProvenanceView> steps) {

  private static final Logger LOG = LoggerFactory.getLogger(SampleHistory.class);

  /**
   * Where a sample was published.
   *
   * @param sourceId the id it had in the published file
   * @param topic the ingest topic
   * @param partition its partition there
   * @param offset the offset of its first record there
   */
  public record Origin(String release, String sourceId, String split, String skill, String topic, int partition,
      long offset) {}

  public SampleHistory {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(sampleId, "sampleId");
    Objects.requireNonNull(origin, "origin");
    steps = List.copyOf(steps);
  }

  /**
   * Reads the sample's records of run {@code runId}: one partition of the ingest log and one of the provenance
   * topic, each to its current end.
   *
   * @throws io.adaptstream.runtime.ReadIncompleteException when a topic's end is not reached within {@code timeout}
   */
  public static SampleHistory read(Deployment deployment, String runId, String sampleId, Duration timeout) {
    TopicCatalogue catalogue = deployment.catalogue(runId);
    Map<Integer, ProvenanceView> byStep = new TreeMap<>();
    var provenanceReader = deployment.serdes().deserializer(SampleProvenance.class);
    String suffix = "/" + sampleId;
    readPartition(deployment, catalogue.provenance.name(),
        StepKeys.partitionForKey(sampleId, catalogue.provenance.partitions()), timeout, r -> {
          if (r.key() == null || !r.key().endsWith(suffix) || r.value() == null) {
            return;
          }
          try {
            SampleProvenance p = provenanceReader.deserialize(r.topic(), r.value());
            if (p.getSampleId().equals(sampleId)) {
              byStep.put(p.getStep(), ProvenanceView.of(p)); // compaction keeps the last; so does this
            }
          } catch (RuntimeException e) {
            LOG.warn("unreadable provenance record {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(),
                e.getMessage());
          }
        });
    var ingestReader = deployment.serdes().deserializer(IngestEvent.class);
    List<Origin> origins = new ArrayList<>(1);
    readPartition(deployment, catalogue.ingest.name(),
        StepKeys.partitionForKey(sampleId, catalogue.ingest.partitions()), timeout, r -> {
          if (!origins.isEmpty() || !sampleId.equals(r.key()) || r.value() == null) {
            return;
          }
          try {
            if (ingestReader.deserialize(r.topic(), r.value()).getPayload() instanceof Sample s) {
              origins.add(new Origin(s.getRelease(), s.getSourceId(), s.getSplit().name(), s.getSkill(), r.topic(),
                  r.partition(), r.offset()));
            }
          } catch (RuntimeException e) {
            LOG.warn("unreadable ingest record {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(),
                e.getMessage());
          }
        });
    List<ProvenanceView> steps = new ArrayList<>(byStep.values());
    steps.sort(Comparator.comparingInt(ProvenanceView::step));
    return new SampleHistory(runId, sampleId, origins.stream().findFirst(), steps);
  }

  private static void readPartition(Deployment deployment, String topic, int partition, Duration timeout,
      Consumer<ConsumerRecord<String, byte[]>> sink) {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(TopicReader.readerProps(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, deployment.bootstrapServers(),
        ConsumerConfig.CLIENT_ID_CONFIG, "adapt-explain")), new StringDeserializer(), new ByteArrayDeserializer())) {
      if (consumer.partitionsFor(topic, timeout).isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist at " + deployment.bootstrapServers()
            + " (check --topic-prefix and --run)");
      }
      TopicReader.readFromBeginning(consumer, List.of(new TopicPartition(topic, partition)), timeout, () -> { },
          sink);
    }
  }

  /** Whether the selector ever decided the sample in this run. */
  public boolean decided() {
    return !steps.isEmpty();
  }
}
