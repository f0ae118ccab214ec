package io.adaptstream.ingest;

import static io.adaptstream.ingest.Datasets.marker;
import static io.adaptstream.ingest.Datasets.markersOf;
import static io.adaptstream.ingest.Datasets.sample;
import static io.adaptstream.ingest.Datasets.samplesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.Release;
import io.adaptstream.avro.ReleaseStatus;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.runtime.ProducerFactory;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.testing.DyingProducer;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class IngestResumeIT {

  private static final Duration READ = Duration.ofSeconds(60);
  private static final int GOOD = 12;

  @TempDir Path dir;

  @Test
  void shouldResumeACrashedPublishWithEverySampleExactlyOnce(KafkaTestEnv kafka) {
    // given 12 good samples with two bad entries (one early, one late), committed 2 records per transaction
    TopicCatalogue topics = kafka.newCatalogue();
    Path file = dataset();
    IngestConfig config = Datasets.config(kafka, topics, dir.resolve("blobs"),
        Map.of("ingest.transaction.samples", "2"));
    FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));

    // and a publisher whose data producer dies at its 9th send: the OPEN record and 3 chunks of 2 are
    // committed, the 4th chunk has one record on the broker in a transaction that is never finished
    AtomicReference<DyingProducer<String, SpecificRecord>> dying = new AtomicReference<>();
    ProducerFactory crashing = (props, keys, values) -> {
      KafkaProducer<String, SpecificRecord> real = new KafkaProducer<>(props, keys, values);
      if (!String.valueOf(props.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG)).endsWith("ingest.r-crash")) {
        return real;
      }
      DyingProducer<String, SpecificRecord> p = DyingProducer.atSend(real, "the publisher", 8);
      dying.set(p);
      return p;
    };

    // when the publish crashes
    try (IngestJob job = new IngestJob(config, blobs, crashing)) {
      assertThatThrownBy(() -> job.publish(PublishRequest.of("r-crash", file), null))
          .isInstanceOf(IngestException.class).hasRootCauseMessage("simulated crash: the publisher is dead");
    }

    // then part of the release is committed and it is still OPEN
    assertThat(dying.get().isDead()).isTrue();
    int committedBefore = samplesOf(kafka.readAll(topics.ingest, READ), "r-crash").size();
    assertThat(committedBefore).isBetween(1, GOOD - 1);
    assertThat(IngestIT.latest(kafka.readAll(topics.releases, READ), "r-crash").getStatus())
        .isEqualTo(ReleaseStatus.OPEN);
    assertThat(kafka.readAll(topics.dlq, READ)).hasSize(1);

    // when a fresh job publishes the same file again
    IngestResult result;
    try (IngestJob job = new IngestJob(config, blobs)) {
      result = job.publish(PublishRequest.of("r-crash", file), null);
    }

    // then every sample is there exactly once, and the counts are those of an uninterrupted publish
    List<ConsumerRecord<String, IngestEvent>> ingest = kafka.readAll(topics.ingest, READ);
    List<ConsumerRecord<String, IngestEvent>> samples = samplesOf(ingest, "r-crash");
    List<String> sourceIds = new ArrayList<>();
    samples.forEach(r -> sourceIds.add(sample(r).getSourceId()));
    assertThat(sourceIds).hasSize(GOOD).doesNotHaveDuplicates();
    assertThat(samples).extracting(ConsumerRecord::key).doesNotHaveDuplicates();
    assertThat(result.accepted()).isEqualTo(GOOD);
    assertThat(result.duplicates()).isEqualTo(1);
    assertThat(result.rejected()).isEqualTo(Map.of("missing_image", 1L, "bad_conversation", 1L));
    assertThat(result.alreadySealed()).isFalse();

    // and the seal markers count what each partition really holds
    List<ConsumerRecord<String, IngestEvent>> markers = markersOf(ingest, "r-crash");
    assertThat(markers).hasSize(3);
    for (ConsumerRecord<String, IngestEvent> m : markers) {
      long inPartition = samples.stream().filter(s -> s.partition() == m.partition()).count();
      assertThat(marker(m).getCount()).as("count on partition %d", m.partition()).isEqualTo(inPartition);
    }
    Release release = IngestIT.latest(kafka.readAll(topics.releases, READ), "r-crash");
    assertThat(release.getStatus()).isEqualTo(ReleaseStatus.SEALED);
    assertThat(release.getAccepted()).isEqualTo(GOOD);

    // and each bad entry is dead-lettered once
    List<ConsumerRecord<String, DeadLetter>> dlq = kafka.readAll(topics.dlq, READ);
    assertThat(dlq).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("ingest:r-crash/1", "ingest:r-crash/13");
  }

  /** 15 entries: index 1 has a missing image, index 13 has no gpt turn, index 14 repeats index 0. */
  private Path dataset() {
    List<byte[]> entries = new ArrayList<>();
    for (int i = 0; i < GOOD; i++) {
      Fixtures.write(dir.resolve("img/" + i + ".png"), Fixtures.png(16, 16, 100 + i));
      entries.add(Fixtures.bytes(Fixtures.sample("s" + i, "img/" + i + ".png", "Which pattern is " + i + "?",
          "pattern " + i)));
      if (i == 0) {
        entries.add(Fixtures.bytes(Fixtures.sample("missing", "img/none.png", "q", "a")));
      }
    }
    ObjectNode noAnswer = Fixtures.JSON.createObjectNode().put("id", "no-gpt");
    noAnswer.putArray("conversations").addObject().put("from", "human").put("value", "hello?");
    entries.add(Fixtures.bytes(noAnswer));
    entries.add(Fixtures.bytes(Fixtures.sample("again-s0", "img/0.png", "Which pattern is 0?", "pattern 0")));
    return Fixtures.write(dir.resolve("r-crash.json"), Fixtures.array(entries.toArray(new byte[0][])));
  }
}
