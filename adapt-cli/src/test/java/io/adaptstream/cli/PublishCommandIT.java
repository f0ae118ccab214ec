package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.ReleaseStatus;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.localregistry.LocalSchemaRegistry;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.registry.SchemaRegistryClient;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code adapt publish} end to end against the real broker, addressed with explicit endpoints. */
@ExtendWith(KafkaBrokerExtension.class)
class PublishCommandIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(PublishCommandIT.class);
  private static final Duration READ = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void shouldPublishADatasetAndPrintOneJsonLine(KafkaTestEnv kafka) throws Exception {
    // given a small LLaVA dataset: two good samples, one missing image, one duplicate
    TopicCatalogue topics = kafka.newCatalogue();
    writeDataset();

    // when
    CliRun run = CliRun.of("publish", "--release", "r1", dir.resolve("data.json").toString(), "--json",
        "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", kafka.schemaRegistryUrl(),
        "--blob-store", dir.resolve("blobs").toString(), "--topic-prefix", topics.prefix());

    // then one JSON line with the counts, and the records on the topics
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines().toList()).hasSize(1);
    JsonNode result = JSON.readTree(run.out());
    assertThat(result.get("release").asText()).isEqualTo("r1");
    assertThat(result.get("sequence").asInt()).isEqualTo(1);
    assertThat(result.get("accepted").asLong()).isEqualTo(2);
    assertThat(result.get("duplicates").asLong()).isEqualTo(1);
    assertThat(result.get("rejected").get("missing_image").asLong()).isEqualTo(1);

    List<ConsumerRecord<String, IngestEvent>> ingest = kafka.readAll(topics.ingest, Duration.ofSeconds(30));
    assertThat(ingest.stream().filter(r -> r.value().getPayload() instanceof Sample)).hasSize(2);
    assertThat(ingest.stream().filter(r -> r.value().getPayload() instanceof SealMarker)).hasSize(3);
    assertThat(kafka.readAll(topics.dlq, Duration.ofSeconds(30)))
        .singleElement().satisfies(r -> assertThat(r.value().getReason()).isEqualTo("missing_image"));

    // and publishing it again writes nothing
    CliRun again = CliRun.of("publish", "--release", "r1", dir.resolve("data.json").toString(),
        "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", kafka.schemaRegistryUrl(),
        "--blob-store", dir.resolve("blobs").toString(), "--topic-prefix", topics.prefix());
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("already published");
    assertThat(kafka.readAll(topics.ingest, Duration.ofSeconds(30))).hasSize(ingest.size());
  }

  @Test
  void shouldExitOneNamingTheRegistryWhenItIsDownAndCompleteOnceWhenPublishedAgain(KafkaTestEnv kafka)
      throws Exception {
    // given a dataset (two good samples, one missing image, one duplicate) and a schema registry that is down
    TopicCatalogue topics = kafka.newCatalogue();
    writeDataset();
    Path state = dir.resolve("registry.jsonl");
    LocalSchemaRegistry registry = LocalSchemaRegistry.start(0, state);
    int port = registry.port();
    String url = registry.url();
    registry.close();
    String[] publish = {"publish", "--release", "r-reg", dir.resolve("data.json").toString(), "--json",
        "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", url,
        "--blob-store", dir.resolve("blobs").toString(), "--topic-prefix", topics.prefix()};

    // when it is published
    long t0 = System.nanoTime();
    CliRun down = CliRun.of(publish);
    long waitedMs = (System.nanoTime() - t0) / 1_000_000;

    // then it exits 1 with one line naming the registry and what was being done, after waiting for it
    assertThat(down.exitCode()).as(down.err()).isEqualTo(AdaptCli.EXIT_FAILURE);
    assertThat(down.err()).startsWith("adapt: publishing release r-reg failed")
        .contains("schema registry at " + url + "/ is unavailable", "publishing again resumes");
    assertThat(waitedMs).isGreaterThanOrEqualTo(SchemaRegistryClient.DEFAULT_BACKOFF.totalWait().toMillis());
    LOG.info("adapt publish with the registry down exited {} after {} ms: {}", down.exitCode(), waitedMs,
        down.err().strip());

    // when the registry is back and the same command runs again
    try (LocalSchemaRegistry back = LocalSchemaRegistry.start(port, state)) {
      CliRun again = CliRun.of(publish);

      // then it completes, and every sample and dead letter is on the topics exactly once
      assertThat(again.exitCode()).as(again.err()).isZero();
      JsonNode result = JSON.readTree(again.out());
      assertThat(result.get("accepted").asLong()).isEqualTo(2);
      assertThat(result.get("duplicates").asLong()).isEqualTo(1);
      assertThat(result.get("rejected").get("missing_image").asLong()).isEqualTo(1);
      AvroSerdes schemas = new AvroSerdes(back.url());
      List<ConsumerRecord<String, IngestEvent>> ingest = kafka.readAll(topics.ingest, schemas, READ);
      assertThat(ingest.stream().filter(r -> r.value().getPayload() instanceof Sample))
          .extracting(r -> ((Sample) r.value().getPayload()).getSourceId())
          .containsExactlyInAnyOrder("a", "b");
      assertThat(kafka.readAll(topics.dlq, schemas, READ)).singleElement()
          .satisfies(r -> assertThat(r.value().getReason()).isEqualTo("missing_image"));
      assertThat(kafka.readAll(topics.releases, schemas, READ)).last()
          .satisfies(r -> assertThat(r.value().getStatus()).isEqualTo(ReleaseStatus.SEALED));
    }
  }

  private void writeDataset() throws Exception {
    BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(4, 4, 12, 12);
    g.dispose();
    Files.createDirectories(dir.resolve("images"));
    ImageIO.write(img, "png", dir.resolve("images/red.png").toFile());
    Files.writeString(dir.resolve("data.json"), """
        [
         {"id":"a","image":"images/red.png","conversations":[{"from":"human","value":"<image>\\nColour?"},{"from":"gpt","value":"red"}],"skill":"vqa.colour"},
         {"id":"b","conversations":[{"from":"human","value":"two plus two?"},{"from":"gpt","value":"four"}]},
         {"id":"c","image":"images/nope.png","conversations":[{"from":"human","value":"<image>\\nColour?"},{"from":"gpt","value":"blue"}]},
         {"id":"d","conversations":[{"from":"human","value":"two plus two?"},{"from":"gpt","value":"four"}]}
        ]
        """);
  }

  @Test
  void shouldExplainWhereTheSystemIsWhenLocalModeDoesNotRun() throws Exception {
    Files.writeString(dir.resolve("d.json"), "[]");

    CliRun run = CliRun.of("publish", "--release", "r1", dir.resolve("d.json").toString(),
        "--data-dir", dir.resolve("no-local").toString());

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_FAILURE);
    assertThat(run.err()).contains("local mode is not running", "adapt local up");
  }
}
