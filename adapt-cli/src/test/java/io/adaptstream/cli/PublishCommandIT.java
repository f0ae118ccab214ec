package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.schemas.TopicCatalogue;
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

/** {@code adapt publish} end to end against the real broker, addressed with explicit endpoints. */
@ExtendWith(KafkaBrokerExtension.class)
class PublishCommandIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void shouldPublishADatasetAndPrintOneJsonLine(KafkaTestEnv kafka) throws Exception {
    // given a small LLaVA dataset: two good samples, one missing image, one duplicate
    TopicCatalogue topics = kafka.newCatalogue();
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
  void shouldExplainWhereTheSystemIsWhenLocalModeDoesNotRun() throws Exception {
    Files.writeString(dir.resolve("d.json"), "[]");

    CliRun run = CliRun.of("publish", "--release", "r1", dir.resolve("d.json").toString(),
        "--data-dir", dir.resolve("no-local").toString());

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_FAILURE);
    assertThat(run.err()).contains("local mode is not running", "adapt local up");
  }
}
