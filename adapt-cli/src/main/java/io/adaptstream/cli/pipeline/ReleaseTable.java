package io.adaptstream.cli.pipeline;

import io.adaptstream.avro.Release;
import io.adaptstream.avro.ReleaseStatus;
import io.adaptstream.schemas.TopicCatalogue;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The deployment's release table ({@code releases}, compacted by name), read to its end. */
public final class ReleaseTable {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseTable.class);

  private ReleaseTable() {}

  /** The newest state of every release, in the order they were first written. */
  public static Map<String, Release> read(Cluster cluster, Duration timeout) {
    TopicCatalogue catalogue = cluster.catalogue(TopicCatalogue.DEFAULT_RUN);
    TopicPartition tp = new TopicPartition(catalogue.releases.name(), 0);
    Deserializer<Release> reader = cluster.serdes().deserializer(Release.class);
    Map<String, Release> releases = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.CLIENT_ID_CONFIG, "adapt-release-table"), new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
      while (consumer.position(tp) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cannot read " + tp.topic() + " to its end within " + timeout.toSeconds()
              + " s");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            continue;
          }
          try {
            Release release = reader.deserialize(r.topic(), r.value());
            releases.put(release.getName(), release);
          } catch (RuntimeException e) {
            // a viewer of the table: the trainer dead-letters such records, once
            LOG.warn("unreadable release record {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(),
                e.getMessage());
          }
        }
      }
    }
    return releases;
  }

  /** Whether {@code release} is sealed with {@code sequence} in the table. */
  public static boolean sealedAs(Map<String, Release> table, String release, int sequence) {
    Release r = table.get(release);
    return r != null && r.getStatus() == ReleaseStatus.SEALED && r.getSequence() == sequence;
  }
}
