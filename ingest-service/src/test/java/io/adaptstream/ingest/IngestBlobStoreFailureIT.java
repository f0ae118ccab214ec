package io.adaptstream.ingest;

import static io.adaptstream.ingest.Datasets.sample;
import static io.adaptstream.ingest.Datasets.samplesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.ReleaseStatus;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.blob.FullDisk;
import io.adaptstream.blob.Sha256;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class IngestBlobStoreFailureIT {

  private static final Duration READ = Duration.ofSeconds(60);
  private static final int GOOD = 10;

  @TempDir Path dir;

  @Test
  void shouldFailClearlyWithNoPartialBlobAndCompleteOnRepublishWhenTheDiskFillsMidPublish(KafkaTestEnv kafka)
      throws IOException {
    // given 10 samples with distinct 16x16 images, committed 2 records per transaction
    TopicCatalogue topics = kafka.newCatalogue();
    Path blobRoot = dir.resolve("blobs");
    Path file = dataset();
    IngestConfig config = Datasets.config(kafka, topics, blobRoot, Map.of("ingest.transaction.samples", "2"));
    long room = Files.size(dir.resolve("img/4.png")) / 2;
    for (int i = 0; i < 4; i++) {
      room += Files.size(dir.resolve("img/" + i + ".png"));
    }

    // and a blob store on a disk with room for the first four images and half of the fifth
    FileBlobStore full = FullDisk.storeWithRoomFor(blobRoot, room);

    // when the release is published, then it fails naming the image, the blob store and the cause
    try (IngestJob job = new IngestJob(config, full)) {
      assertThatThrownBy(() -> job.publish(PublishRequest.of("r-full", file), null))
          .isInstanceOf(IngestException.class)
          .hasMessageContaining("cannot store image ").hasMessageContaining("4.png")
          .hasMessageContaining("blob store " + full.root())
          .hasMessageEndingWith(FullDisk.NO_SPACE);
    }

    // and the four images that fitted are stored whole, nothing else is under a hash, no temporary file is left
    assertThat(blobFiles(full)).hasSize(4).allSatisfy(f -> verifies(full, f));
    try (Stream<Path> tmp = Files.list(blobRoot.resolve("tmp"))) {
      assertThat(tmp).isEmpty();
    }
    // and the release is still OPEN, with the four samples before the failing one committed (two chunks of 2)
    assertThat(IngestIT.latest(kafka.readAll(topics.releases, READ), "r-full").getStatus())
        .isEqualTo(ReleaseStatus.OPEN);
    assertThat(samplesOf(kafka.readAll(topics.ingest, READ), "r-full")).hasSize(4);

    // when the disk has room again and the same release is published again
    FileBlobStore freed = new FileBlobStore(blobRoot);
    IngestResult result;
    try (IngestJob job = new IngestJob(config, freed)) {
      result = job.publish(PublishRequest.of("r-full", file), null);
    }

    // then it is sealed with every sample exactly once
    assertThat(result.accepted()).isEqualTo(GOOD);
    assertThat(result.duplicates()).isZero();
    assertThat(result.rejected()).isEmpty();
    List<ConsumerRecord<String, IngestEvent>> samples = samplesOf(kafka.readAll(topics.ingest, READ), "r-full");
    List<String> sourceIds = new ArrayList<>();
    samples.forEach(r -> sourceIds.add(sample(r).getSourceId()));
    assertThat(sourceIds).hasSize(GOOD).doesNotHaveDuplicates();
    assertThat(samples).extracting(ConsumerRecord::key).doesNotHaveDuplicates();
    assertThat(IngestIT.latest(kafka.readAll(topics.releases, READ), "r-full").getStatus())
        .isEqualTo(ReleaseStatus.SEALED);
    assertThat(kafka.readAll(topics.dlq, READ)).isEmpty();

    // and every image is in the blob store once, whole, under the hash its sample carries
    assertThat(blobFiles(freed)).hasSize(GOOD).allSatisfy(f -> verifies(freed, f));
    samples.forEach(r -> sample(r).getImages().forEach(img -> assertThat(freed.contains(img.getSha256())).isTrue()));
  }

  /** The files under a hash (everything but {@code tmp/}). */
  private static List<Path> blobFiles(FileBlobStore store) throws IOException {
    try (Stream<Path> files = Files.walk(store.root())) {
      return files.filter(Files::isRegularFile)
          .filter(f -> !f.startsWith(store.root().resolve("tmp")))
          .toList();
    }
  }

  private static void verifies(FileBlobStore store, Path file) {
    String key = file.getFileName().toString();
    assertThat(store.path(key)).isEqualTo(file);
    try {
      assertThat(Sha256.hex(store.get(key))).isEqualTo(key);
    } catch (IOException e) {
      throw new AssertionError("blob " + file + " does not read back whole", e);
    }
  }

  private Path dataset() {
    List<byte[]> entries = new ArrayList<>();
    for (int i = 0; i < GOOD; i++) {
      Fixtures.write(dir.resolve("img/" + i + ".png"), Fixtures.png(16, 16, 100 + i));
      entries.add(Fixtures.bytes(Fixtures.sample("s" + i, "img/" + i + ".png", "Which pattern is " + i + "?",
          "pattern " + i)));
    }
    return Fixtures.write(dir.resolve("r-full.json"), Fixtures.array(entries.toArray(new byte[0][])));
  }
}
