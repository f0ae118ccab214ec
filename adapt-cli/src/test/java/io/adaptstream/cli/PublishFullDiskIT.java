package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.Sample;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.blob.FullDisk;
import io.adaptstream.blob.Sha256;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code adapt publish} end to end when the blob store's disk fills: a clear failure, then a clean re-publish. */
@ExtendWith(KafkaBrokerExtension.class)
class PublishFullDiskIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READ = Duration.ofSeconds(30);
  private static final int GOOD = 4;

  @TempDir
  Path dir;

  @Test
  void shouldExitWithOneNamingTheBlobStoreAndTheCauseWhenTheDiskFillsThenRepublishCleanly(KafkaTestEnv kafka)
      throws IOException {
    // given four samples with distinct images, and a blob store whose disk has room for two and a half of them
    TopicCatalogue topics = kafka.newCatalogue();
    Path data = dataset();
    Path blobs = dir.resolve("blobs");
    long room = Files.size(dir.resolve("img/0.png")) + Files.size(dir.resolve("img/1.png"))
        + Files.size(dir.resolve("img/2.png")) / 2;
    String[] args = {"publish", "--release", "r-full", data.toString(), "--json",
        "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", kafka.schemaRegistryUrl(),
        "--blob-store", blobs.toString(), "--topic-prefix", topics.prefix()};

    // when the real command publishes into it
    CliRun failed = CliRun.withBlobStores(root -> FullDisk.storeWithRoomFor(root, room), args);

    // then it exits with 1 and one line naming the image, the blob store and the cause, and prints no result
    assertThat(failed.exitCode()).as(failed.err()).isEqualTo(AdaptCli.EXIT_FAILURE);
    assertThat(failed.out()).isEmpty();
    assertThat(failed.err().lines().toList()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("adapt: cannot store image ")
        .contains("2.png")
        .contains("blob store " + blobs.toAbsolutePath().normalize())
        .endsWith(FullDisk.NO_SPACE));
    // and what is under a hash is whole: the two images that fitted
    assertThat(blobFiles(blobs)).hasSize(2).allSatisfy(PublishFullDiskIT::hashesToItsName);

    // when the disk has room again and the same command runs again
    CliRun again = CliRun.of(args);

    // then the release is sealed with every sample exactly once
    assertThat(again.exitCode()).as(again.err()).isZero();
    JsonNode result = JSON.readTree(again.out());
    assertThat(result.get("accepted").asLong()).isEqualTo(GOOD);
    assertThat(result.get("duplicates").asLong()).isZero();
    List<Sample> samples = kafka.readAll(topics.ingest, READ).stream()
        .map(ConsumerRecord::value).map(IngestEvent::getPayload)
        .filter(Sample.class::isInstance).map(Sample.class::cast).toList();
    assertThat(samples).extracting(Sample::getSourceId).hasSize(GOOD).doesNotHaveDuplicates();
    assertThat(blobFiles(blobs)).hasSize(GOOD).allSatisfy(PublishFullDiskIT::hashesToItsName);
    FileBlobStore store = new FileBlobStore(blobs);
    samples.forEach(s -> s.getImages().forEach(img -> assertThat(store.contains(img.getSha256())).isTrue()));
  }

  private Path dataset() throws IOException {
    Files.createDirectories(dir.resolve("img"));
    StringBuilder json = new StringBuilder("[\n");
    SplittableRandom rng = new SplittableRandom(16);
    for (int i = 0; i < GOOD; i++) {
      BufferedImage img = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 24; y++) {
        for (int x = 0; x < 24; x++) {
          img.setRGB(x, y, rng.nextInt(1 << 24));
        }
      }
      ImageIO.write(img, "png", dir.resolve("img/" + i + ".png").toFile());
      json.append(i == 0 ? "" : ",\n").append("{\"id\":\"s").append(i).append("\",\"image\":\"img/").append(i)
          .append(".png\",\"conversations\":[{\"from\":\"human\",\"value\":\"<image>\\nWhich noise is this?\"},")
          .append("{\"from\":\"gpt\",\"value\":\"noise ").append(i).append("\"}]}");
    }
    return Files.writeString(dir.resolve("r-full.json"), json.append("\n]\n"));
  }

  /** The files under a hash (everything but {@code tmp/}). */
  private static List<Path> blobFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).filter(f -> !f.startsWith(root.resolve("tmp"))).toList();
    }
  }

  private static void hashesToItsName(Path file) {
    try {
      assertThat(Sha256.hex(Files.readAllBytes(file))).isEqualTo(file.getFileName().toString());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
