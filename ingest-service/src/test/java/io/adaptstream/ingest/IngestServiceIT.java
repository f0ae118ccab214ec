package io.adaptstream.ingest;

import static io.adaptstream.ingest.Datasets.samplesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.Release;
import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.runtime.metrics.ServiceMeters;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class IngestServiceIT {

  @TempDir Path dir;

  @Test
  void shouldPublishDatasetsDroppedIntoTheInbox(KafkaTestEnv kafka) throws Exception {
    // given a running ingest service watching an inbox
    TopicCatalogue topics = kafka.newCatalogue();
    Path inbox = dir.resolve("inbox");
    IngestConfig config = Datasets.config(kafka, topics, dir.resolve("blobs"),
        Map.of(IngestConfig.INBOX_DIR, inbox.toString(), IngestConfig.POLL_MS, "100"));
    ExecutorService thread = Executors.newSingleThreadExecutor();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    IngestService service = new IngestService(config, meters);
    Future<?> running = thread.submit(service::run);
    try {
      // when a dataset with its images folder and a role file is dropped, then marked ready
      Datasets.Mixed data = Datasets.mixed(inbox, "pre-1", inbox.resolve("pre-1.images"));
      Files.writeString(inbox.resolve("pre-1.role"), "pretrain\n");
      Files.createFile(inbox.resolve("pre-1.ready"));
      // and a ready marker without any data file
      Files.createFile(inbox.resolve("nothing.ready"));

      // then the result file appears in done/ and the dataset files moved there
      Path resultFile = inbox.resolve("done/pre-1.result.json");
      await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(resultFile));
      assertThat(Files.readString(resultFile, StandardCharsets.UTF_8)).startsWith(
          "{\"release\":\"pre-1\",\"sequence\":0,\"accepted\":5,\"duplicates\":1,\"rejected\":{");
      assertThat(inbox.resolve("done/pre-1.json")).exists();
      assertThat(inbox.resolve("done/pre-1.images/img/red.png")).exists();
      assertThat(inbox.resolve("done/pre-1.role")).exists();
      assertThat(inbox.resolve("pre-1.ready")).doesNotExist();
      assertThat(data.file()).doesNotExist();

      // and the samples are on the ingest topic, in a PRETRAIN release
      assertThat(samplesOf(kafka.readAll(topics.ingest, Duration.ofSeconds(60)), "pre-1")).hasSize(5);
      Release release = IngestIT.latest(kafka.readAll(topics.releases, Duration.ofSeconds(60)), "pre-1");
      assertThat(release.getRole()).isEqualTo(ReleaseRole.PRETRAIN);

      // and the dataset without data went to failed/ with the reason
      Path error = inbox.resolve("failed/nothing.error");
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(error));
      assertThat(Files.readString(error)).contains("no nothing.json or nothing.jsonl");
      assertThat(inbox.resolve("failed/nothing.ready")).exists();

      // and the meters count the release's samples, its rejected entries by reason and the failed dataset
      assertThat(meters.get(IngestMetrics.SAMPLES).tag("outcome", "accepted").counter().count()).isEqualTo(5.0);
      assertThat(meters.get(IngestMetrics.SAMPLES).tag("outcome", "duplicate").counter().count()).isEqualTo(1.0);
      assertThat(meters.get(IngestMetrics.RELEASES).tag("outcome", "published").counter().count()).isEqualTo(1.0);
      assertThat(meters.get(IngestMetrics.RELEASES).tag("outcome", "failed").counter().count()).isEqualTo(1.0);
      assertThat(meters.find(ServiceMeters.DEAD_LETTERS).tag("service", "ingest").counters().stream()
          .mapToDouble(c -> c.count()).sum())
          .isEqualTo(meters.get(IngestMetrics.SAMPLES).tag("outcome", "rejected").counter().count())
          .isPositive();
    } finally {
      // when the service is closed, run() returns
      service.close();
      thread.shutdown();
    }
    running.get();
    assertThat(thread.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
  }
}
