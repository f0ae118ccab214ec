package io.adaptstream.ingest;

import static io.adaptstream.ingest.Datasets.marker;
import static io.adaptstream.ingest.Datasets.markersOf;
import static io.adaptstream.ingest.Datasets.sample;
import static io.adaptstream.ingest.Datasets.samplesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.Release;
import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.avro.ReleaseStatus;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Split;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class IngestIT {

  private static final Duration READ = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void shouldPublishGoodSamplesOnceDeadLetterBadOnesAndSealTheRelease(KafkaTestEnv kafka) throws Exception {
    // given a fixture dataset with good, bad and duplicate entries
    TopicCatalogue topics = kafka.newCatalogue();
    Datasets.Mixed data = Datasets.mixed(dir, "r1-mix", dir);
    BlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
    IngestConfig config = Datasets.config(kafka, topics, dir.resolve("blobs"), Map.of("ingest.transaction.samples", "4"));
    List<Long> progress = new ArrayList<>();

    // when it is published
    IngestResult result;
    try (IngestJob job = new IngestJob(config, blobs)) {
      result = job.publish(PublishRequest.of("r1-mix", data.file()), new IngestListener() {
        @Override
        public void progress(long bytesRead, long totalBytes, long samplesDone) {
          progress.add(samplesDone);
        }
      });
    }

    // then every good sample is on the ingest topic exactly once, with its images in the blob store
    List<ConsumerRecord<String, IngestEvent>> ingest = kafka.readAll(topics.ingest, READ);
    List<ConsumerRecord<String, IngestEvent>> samples = samplesOf(ingest, "r1-mix");
    assertThat(samples).extracting(r -> sample(r).getSourceId())
        .containsExactlyInAnyOrderElementsOf(data.goodIds());
    assertThat(samples).allSatisfy(r -> assertThat(r.key()).isEqualTo(sample(r).getId()));
    Map<String, Sample> bySource = samples.stream().map(Datasets::sample)
        .collect(Collectors.toMap(Sample::getSourceId, s -> s));
    assertThat(bySource.get("g3").getImages()).hasSize(2);
    assertThat(bySource.get("g4").getImages()).isEmpty();
    assertThat(bySource.get("g2").getImages().get(0).getMediaType()).isEqualTo("image/jpeg");
    assertThat(bySource.get("g5").getSplit()).isEqualTo(Split.TEST);
    assertThat(bySource.get("g1").getSkill()).isEqualTo("vqa.colour");
    assertThat(samples).flatExtracting(r -> sample(r).getImages())
        .allSatisfy(img -> assertThat(blobs.contains(img.getSha256())).isTrue());

    // and every bad entry is on the DLQ with its reason, raw bytes and position
    List<ConsumerRecord<String, DeadLetter>> dlq = kafka.readAll(topics.dlq, READ);
    Map<Long, String> reasons = new HashMap<>();
    for (ConsumerRecord<String, DeadLetter> r : dlq) {
      DeadLetter dl = r.value();
      assertThat(r.key()).isEqualTo("ingest:r1-mix/" + dl.getSourceOffset());
      assertThat(dl.getSourceTopic()).isEqualTo("file:r1-mix.json");
      assertThat(dl.getSourcePartition()).isEqualTo(-1);
      assertThat(dl.getService()).isEqualTo("ingest");
      assertThat(reasons.put(dl.getSourceOffset(), dl.getReason())).as("one dead letter per entry").isNull();
    }
    assertThat(reasons).isEqualTo(data.rejected());
    DeadLetter utf8 = dlq.stream().map(ConsumerRecord::value).filter(d -> d.getReason().equals("invalid_utf8"))
        .findFirst().orElseThrow();
    byte[] raw = new byte[utf8.getValue().remaining()];
    utf8.getValue().duplicate().get(raw);
    assertThat(new String(raw, StandardCharsets.ISO_8859_1)).startsWith("{\"id\":\"b-utf8\"").contains("caf\u00c3(");

    // and a seal marker on every partition counts exactly the release's samples there, after them
    List<ConsumerRecord<String, IngestEvent>> markers = markersOf(ingest, "r1-mix");
    assertThat(markers).extracting(ConsumerRecord::partition).containsExactlyInAnyOrder(0, 1, 2);
    for (ConsumerRecord<String, IngestEvent> m : markers) {
      List<ConsumerRecord<String, IngestEvent>> inPartition =
          samples.stream().filter(s -> s.partition() == m.partition()).toList();
      assertThat(m.key()).isEqualTo("seal/r1-mix");
      assertThat(marker(m).getPartition()).isEqualTo(m.partition());
      assertThat(marker(m).getPartitions()).isEqualTo(3);
      assertThat(marker(m).getSequence()).isEqualTo(1);
      assertThat(marker(m).getCount()).isEqualTo(inPartition.size());
      assertThat(inPartition).allSatisfy(s -> assertThat(s.offset()).isLessThan(m.offset()));
    }

    // and the release is SEALED with sequence 1 and its counts
    Release release = latest(kafka.readAll(topics.releases, READ), "r1-mix");
    assertThat(release.getStatus()).isEqualTo(ReleaseStatus.SEALED);
    assertThat(release.getSequence()).isEqualTo(1);
    assertThat(release.getAccepted()).isEqualTo(5);
    assertThat(release.getDuplicates()).isEqualTo(1);
    assertThat(release.getTrainCount()).isEqualTo(4);
    assertThat(release.getTestCount()).isEqualTo(1);
    assertThat(release.getPartitionCounts().stream().mapToLong(Long::longValue).sum()).isEqualTo(5);
    assertThat(release.getFingerprint()).isEqualTo(IngestJob.fingerprint(data.file()));

    // and the result line says the same
    assertThat(result.toJson()).isEqualTo("{\"release\":\"r1-mix\",\"sequence\":1,\"accepted\":5,\"duplicates\":1,"
        + "\"rejected\":{\"corrupt_image\":1,\"empty_conversation\":1,\"invalid_utf8\":1,\"malformed_json\":1,"
        + "\"missing_image\":1,\"path_escape\":1}}");
    assertThat(result.alreadySealed()).isFalse();
    assertThat(result.partitionCounts()).isEqualTo(release.getPartitionCounts());
    assertThat(progress).hasSize(12).last().isEqualTo(12L);

    // when the same file is published again
    IngestResult again;
    try (IngestJob job = new IngestJob(config, blobs)) {
      again = job.publish(PublishRequest.of("r1-mix", data.file()), IngestListener.NONE);
    }

    // then it reports the stored counts and writes nothing
    assertThat(again.alreadySealed()).isTrue();
    assertThat(again.toJson()).isEqualTo(result.toJson());
    assertThat(kafka.readAll(topics.ingest, READ)).hasSameSizeAs(ingest);
    assertThat(kafka.readAll(topics.dlq, READ)).hasSameSizeAs(dlq);
    assertThat(kafka.readAll(topics.releases, READ)).hasSize(2); // OPEN then SEALED
  }

  @Test
  void shouldNumberReleasesInSealOrderAndRefuseConflictingPublishes(KafkaTestEnv kafka) {
    // given three small datasets
    TopicCatalogue topics = kafka.newCatalogue();
    Path base = small(dir.resolve("base.jsonl"), "base");
    Path task1 = small(dir.resolve("t1.jsonl"), "task one");
    Path task2 = small(dir.resolve("t2.jsonl"), "task two");
    IngestConfig config = Datasets.config(kafka, topics, dir.resolve("blobs"), Map.of());

    try (IngestJob job = new IngestJob(config, new FileBlobStore(dir.resolve("blobs")))) {
      // when a task, the pretraining release and another task are sealed
      IngestResult t1 = job.publish(PublishRequest.of("t1", task1), null);
      IngestResult pre = job.publish(new PublishRequest("base", base, null, null, ReleaseRole.PRETRAIN), null);
      IngestResult t2 = job.publish(PublishRequest.of("t2", task2), null);

      // then tasks count 1, 2 in seal order and pretraining is 0
      assertThat(List.of(t1.sequence(), pre.sequence(), t2.sequence())).containsExactly(1, 0, 2);
      assertThat(t1.accepted()).isEqualTo(2);

      // and other content under a sealed name, another role, or a second pretraining release are refused
      assertThatThrownBy(() -> job.publish(PublishRequest.of("t1", task2), null))
          .isInstanceOf(PublishRefusedException.class).hasMessageContaining("different file");
      assertThatThrownBy(() -> job.publish(new PublishRequest("t1", task1, null, null, ReleaseRole.PRETRAIN), null))
          .isInstanceOf(PublishRefusedException.class).hasMessageContaining("TASK");
      assertThatThrownBy(() -> job.publish(new PublishRequest("base2", task1, null, null, ReleaseRole.PRETRAIN), null))
          .isInstanceOf(PublishRefusedException.class).hasMessageContaining("pretraining");
    }
    assertThat(kafka.readAll(topics.releases, Duration.ofSeconds(30)))
        .extracting(r -> r.value().getName()).doesNotContain("base2");
  }

  private static Path small(Path file, String topic) {
    String jsonl = "{\"id\":\"1\",\"conversations\":[{\"from\":\"human\",\"value\":\"Say " + topic + "\"},"
        + "{\"from\":\"gpt\",\"value\":\"" + topic + "\"}]}\n"
        + "{\"id\":\"2\",\"split\":\"test\",\"conversations\":[{\"from\":\"human\",\"value\":\"Repeat " + topic
        + "\"},{\"from\":\"gpt\",\"value\":\"" + topic + "\"}]}\n";
    return Fixtures.write(file, Fixtures.bytes(jsonl));
  }

  static Release latest(List<ConsumerRecord<String, Release>> table, String name) {
    Release last = null;
    for (ConsumerRecord<String, Release> r : table) {
      if (name.equals(r.key())) {
        last = r.value();
      }
    }
    assertThat(last).as("release record of %s", name).isNotNull();
    return last;
  }
}
