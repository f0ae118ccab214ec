package io.adaptstream.ingest;

import static io.adaptstream.ingest.Datasets.sample;
import static io.adaptstream.ingest.Datasets.samplesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.ReleaseStatus;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.localregistry.LocalSchemaRegistry;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema registry is down when a publish starts, or goes down in the middle of one: the publish fails
 * naming the registry, and publishing again once it is back completes with nothing lost or duplicated.
 */
@ExtendWith(KafkaBrokerExtension.class)
class IngestRegistryOutageIT {

  private static final Logger LOG = LoggerFactory.getLogger(IngestRegistryOutageIT.class);
  private static final Duration READ = Duration.ofSeconds(60);
  private static final int GOOD = 10;
  /** How long the publisher waits for the registry in these tests (the default is 30 s). */
  private static final String MAX_WAIT_MS = "1000";

  @TempDir Path dir;

  @Test
  void shouldFailNamingTheRegistryAndCompleteOnRepublishWhenTheRegistryIsDownAtTheStart(KafkaTestEnv kafka)
      throws IOException {
    // given a release to publish and a registry that is stopped
    TopicCatalogue topics = kafka.newCatalogue();
    Path state = dir.resolve("registry.jsonl");
    LocalSchemaRegistry registry = LocalSchemaRegistry.start(0, state);
    int port = registry.port();
    String url = registry.url();
    registry.close();
    IngestConfig config = config(kafka, topics, url);
    FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
    Path file = dataset("r-down");

    // when it is published, then it fails naming the registry's URL and what was being done
    long t0 = System.nanoTime();
    try (IngestJob job = new IngestJob(config, blobs)) {
      assertThatThrownBy(() -> job.publish(PublishRequest.of("r-down", file), null))
          .isInstanceOf(IngestException.class)
          .hasMessageContaining("publishing release r-down failed")
          .hasMessageContaining("schema registry at " + url + "/ is unavailable")
          .hasMessageContaining("publishing again resumes")
          .satisfies(e -> assertThat(SchemaRegistryException.isUnavailable(e)).isTrue());
    }
    LOG.info("publish with the registry down failed after {} ms", (System.nanoTime() - t0) / 1_000_000);
    // and nothing is on the topics
    AvroSerdes schemas = new AvroSerdes(url);
    assertThat(kafka.readAll(topics.releases, schemas, READ)).isEmpty();
    assertThat(kafka.readAll(topics.ingest, schemas, READ)).isEmpty();

    // when the registry is back and the release is published again
    try (LocalSchemaRegistry back = LocalSchemaRegistry.start(port, state)) {
      IngestResult result;
      try (IngestJob job = new IngestJob(config, blobs)) {
        result = job.publish(PublishRequest.of("r-down", file), null);
      }

      // then it is sealed with every sample and dead letter exactly once
      assertCompleteExactlyOnce(kafka, schemas, topics, "r-down", result);
    }
  }

  @Test
  void shouldFailNamingTheRegistryAndResumeExactlyOnceWhenTheRegistryGoesDownMidPublish(KafkaTestEnv kafka)
      throws IOException {
    // given a release of 10 good samples, then 2 bad entries and a duplicate, 2 records per transaction
    TopicCatalogue topics = kafka.newCatalogue();
    Path state = dir.resolve("registry.jsonl");
    LocalSchemaRegistry registry = LocalSchemaRegistry.start(0, state);
    int port = registry.port();
    String url = registry.url();
    IngestConfig config = config(kafka, topics, url);
    FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
    Path file = dataset("r-mid");

    // when the registry stops once 4 entries are handled (two chunks committed)
    IngestListener stopRegistryAt4 = new IngestListener() {
      @Override
      public void progress(long bytesRead, long totalBytes, long samplesDone) {
        if (samplesDone == 4) {
          registry.close();
        }
      }
    };
    try (IngestJob job = new IngestJob(config, blobs)) {
      // then samples go on while their schema is known, and the first dead letter (a schema not yet
      // registered) fails the publish, naming the registry
      assertThatThrownBy(() -> job.publish(PublishRequest.of("r-mid", file), stopRegistryAt4))
          .isInstanceOf(IngestException.class)
          .hasMessageContaining("publishing release r-mid failed")
          .hasMessageContaining("cannot register schema io.adaptstream.avro.DeadLetter")
          .hasMessageContaining("schema registry at " + url + "/ is unavailable");
    }

    // when it is published again while the registry is still down, then it stops before writing anything:
    // the release table cannot be read, and it is not taken for empty
    try (IngestJob job = new IngestJob(config, blobs)) {
      assertThatThrownBy(() -> job.publish(PublishRequest.of("r-mid", file), null))
          .isInstanceOf(IngestException.class)
          .hasMessageContaining("reading the release table failed")
          .hasMessageContaining("schema registry at " + url + "/ is unavailable");
    }

    try (LocalSchemaRegistry back = LocalSchemaRegistry.start(port, state)) {
      // then (read once the registry is back) the release is OPEN with the 10 samples committed before the
      // failure, no dead letter, and the second attempt wrote nothing
      AvroSerdes schemas = new AvroSerdes(url);
      assertThat(kafka.readAll(topics.releases, schemas, READ)).singleElement()
          .satisfies(r -> assertThat(r.value().getStatus()).isEqualTo(ReleaseStatus.OPEN));
      assertThat(samplesOf(kafka.readAll(topics.ingest, schemas, READ), "r-mid")).hasSize(GOOD);
      assertThat(kafka.readAll(topics.dlq, schemas, READ)).isEmpty();

      // when the release is published again with the registry back
      IngestResult result;
      try (IngestJob job = new IngestJob(config, blobs)) {
        result = job.publish(PublishRequest.of("r-mid", file), null);
      }

      // then it resumes: every sample and dead letter exactly once, sealed
      assertCompleteExactlyOnce(kafka, schemas, topics, "r-mid", result);
    }
  }

  @Test
  void shouldKeepTheDatasetInTheInboxWhileTheRegistryIsDownAndPublishItOnceWhenItIsBack(KafkaTestEnv kafka)
      throws Exception {
    // given an ingest service watching an inbox, waiting 500 ms per registry call, and a stopped registry
    TopicCatalogue topics = kafka.newCatalogue();
    Path state = dir.resolve("registry.jsonl");
    LocalSchemaRegistry registry = LocalSchemaRegistry.start(0, state);
    int port = registry.port();
    String url = registry.url();
    registry.close();
    Path inbox = dir.resolve("inbox");
    Map<String, String> settings = new HashMap<>();
    settings.put(IngestConfig.INBOX_DIR, inbox.toString());
    settings.put(IngestConfig.POLL_MS, "100");
    settings.put(ServiceConfig.SCHEMA_REGISTRY_URL, url);
    settings.put(ServiceConfig.SCHEMA_REGISTRY_RETRY_MAX_WAIT_MS, "500");
    IngestConfig config = Datasets.config(kafka, topics, dir.resolve("blobs"), settings);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    IngestService service = new IngestService(config);
    Future<?> running = thread.submit(service::run);
    try {
      // when a dataset is dropped into the inbox
      dataset(inbox, "r-inbox");
      Path ready = Files.createFile(inbox.resolve("r-inbox.ready"));

      // then it stays there through several failed tries (each waits 500 ms), and is not failed
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> Files.exists(ready) && !Files.exists(inbox.resolve("failed/r-inbox.error")));

      // when the registry comes back
      try (LocalSchemaRegistry back = LocalSchemaRegistry.start(port, state)) {
        // then the dataset is published, once
        Path result = inbox.resolve("done/r-inbox.result.json");
        await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(result));
        assertThat(Files.readString(result)).contains("\"accepted\":" + GOOD, "\"duplicates\":1");
        assertOnTopicsExactlyOnce(kafka, new AvroSerdes(url), topics, "r-inbox");
      }
    } finally {
      service.close();
      thread.shutdown();
    }
    running.get();
  }

  private static void assertCompleteExactlyOnce(KafkaTestEnv kafka, AvroSerdes schemas, TopicCatalogue topics,
      String release, IngestResult result) {
    assertThat(result.accepted()).isEqualTo(GOOD);
    assertThat(result.duplicates()).isEqualTo(1);
    assertThat(result.rejected()).isEqualTo(Map.of("missing_image", 1L, "bad_conversation", 1L));
    assertOnTopicsExactlyOnce(kafka, schemas, topics, release);
  }

  private static void assertOnTopicsExactlyOnce(KafkaTestEnv kafka, AvroSerdes schemas, TopicCatalogue topics,
      String release) {
    List<ConsumerRecord<String, IngestEvent>> samples =
        samplesOf(kafka.readAll(topics.ingest, schemas, READ), release);
    List<String> sourceIds = new ArrayList<>();
    samples.forEach(r -> sourceIds.add(sample(r).getSourceId()));
    assertThat(sourceIds).hasSize(GOOD).doesNotHaveDuplicates();
    assertThat(samples).extracting(ConsumerRecord::key).doesNotHaveDuplicates();
    assertThat(IngestIT.latest(kafka.readAll(topics.releases, schemas, READ), release).getStatus())
        .isEqualTo(ReleaseStatus.SEALED);
    List<ConsumerRecord<String, DeadLetter>> dlq = kafka.readAll(topics.dlq, schemas, READ);
    assertThat(dlq).extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder("ingest:" + release + "/10", "ingest:" + release + "/11");
  }

  private IngestConfig config(KafkaTestEnv kafka, TopicCatalogue topics, String registryUrl) {
    Map<String, String> extra = new HashMap<>();
    extra.put(IngestConfig.TRANSACTION_SAMPLES, "2");
    extra.put(ServiceConfig.SCHEMA_REGISTRY_URL, registryUrl);
    extra.put(ServiceConfig.SCHEMA_REGISTRY_RETRY_MAX_WAIT_MS, MAX_WAIT_MS);
    return Datasets.config(kafka, topics, dir.resolve("blobs"), extra);
  }

  /** 13 entries: 10 good samples, a missing image (10), no gpt turn (11), a repeat of sample 0 (12). */
  private Path dataset(String name) {
    return dataset(dir, name);
  }

  private Path dataset(Path base, String name) {
    List<byte[]> entries = new ArrayList<>();
    for (int i = 0; i < GOOD; i++) {
      Fixtures.write(base.resolve("img/" + i + ".png"), Fixtures.png(16, 16, 200 + i));
      entries.add(Fixtures.bytes(Fixtures.sample("s" + i, "img/" + i + ".png", "Which pattern is " + i + "?",
          "pattern " + i)));
    }
    entries.add(Fixtures.bytes(Fixtures.sample("missing", "img/none.png", "q", "a")));
    ObjectNode noAnswer = Fixtures.JSON.createObjectNode().put("id", "no-gpt");
    noAnswer.putArray("conversations").addObject().put("from", "human").put("value", "hello?");
    entries.add(Fixtures.bytes(noAnswer));
    entries.add(Fixtures.bytes(Fixtures.sample("again-s0", "img/0.png", "Which pattern is 0?", "pattern 0")));
    return Fixtures.write(base.resolve(name + ".json"), Fixtures.array(entries.toArray(new byte[0][])));
  }
}
