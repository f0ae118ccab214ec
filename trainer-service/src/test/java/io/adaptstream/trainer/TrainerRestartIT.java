package io.adaptstream.trainer;

import static io.adaptstream.trainer.TrainerHarness.deadLetters;
import static io.adaptstream.trainer.TrainerHarness.evals;
import static io.adaptstream.trainer.TrainerHarness.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import io.adaptstream.testing.PoisonBytes;
import io.adaptstream.trainer.TrainerHarness.Running;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A trainer that stops or fails in the middle of a step is replaced, and the step is published exactly once. */
@ExtendWith(KafkaBrokerExtension.class)
class TrainerRestartIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir
  Path dir;

  /** The ingest log and version 0 of a run, made by a first trainer that is still running. */
  private record Setup(TopicCatalogue topics, FileBlobStore blobs, TinyWorld world, TrainerConfig config) {}

  private Setup setup(KafkaTestEnv kafka) {
    TopicCatalogue topics = kafka.newCatalogue();
    FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
    TinyWorld world = TinyWorld.create(blobs);
    TrainerHarness.publishRelease(kafka, topics, "pre", ReleaseRole.PRETRAIN, 0, world.pretrain());
    TrainerHarness.publishRelease(kafka, topics, "r1", ReleaseRole.TASK, 1, world.task());
    // many small batches, so that step 1 is certainly still training when the first one is stopped
    TrainerConfig config = TrainerHarness.config(kafka, topics, dir.resolve("blobs"), Map.of(
        TrainerConfig.BASE, "random", TrainerConfig.EPOCHS, "6", TrainerConfig.BATCH_SIZE, "2"));
    return new Setup(topics, blobs, world, config);
  }

  private static void awaitVersion(KafkaTestEnv kafka, TopicCatalogue topics, Running trainer, int version) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
      trainer.assertAlive();
      return versions(kafka, topics).containsKey("adapt-vlm@" + version);
    });
  }

  private static void assertPublishedOnce(KafkaTestEnv kafka, TopicCatalogue topics) {
    Map<String, List<ModelVersion>> versions = versions(kafka, topics);
    Map<String, List<EvalResult>> evals = evals(kafka, topics);
    assertThat(versions).containsOnlyKeys("adapt-vlm@0", "adapt-vlm@1");
    assertThat(versions.get("adapt-vlm@0")).hasSize(1);
    assertThat(versions.get("adapt-vlm@1")).hasSize(1);
    assertThat(evals).containsOnlyKeys("adapt-vlm@0", "adapt-vlm@1");
    assertThat(evals.get("adapt-vlm@0")).hasSize(1);
    assertThat(evals.get("adapt-vlm@1")).hasSize(1);
    assertThat(versions.get("adapt-vlm@1").get(0).getTrainedSamples()).isEqualTo(8);
  }

  @Test
  void shouldPublishVersionOneExactlyOnceWhenTheTrainerIsStoppedWhileTrainingIt(KafkaTestEnv kafka)
      throws Exception {
    // given a first trainer that is stopped at its first training batch of step 1, and a poison record in the
    // release table, which every trainer start reads whole
    Setup s = setup(kafka);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps(),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(s.topics().releases.name(), 0, "poison".getBytes(StandardCharsets.UTF_8),
          PoisonBytes.unknownSchema())).get();
    }
    AtomicReference<TrainerService> first = new AtomicReference<>();
    AtomicInteger batchesOfStep1 = new AtomicInteger();
    List<Integer> publishedByFirst = new CopyOnWriteArrayList<>();
    TrainerListener stopAtStep1 = new TrainerListener() {
      @Override
      public void onTrainingBatch(int version, int epoch, int batch, int batchesPerEpoch, float loss) {
        if (version == 1 && batchesOfStep1.incrementAndGet() == 1) {
          first.get().close(); // from its own thread: returns at once, training stops at this batch
        }
      }

      @Override
      public void onPublished(ModelVersion version, EvalResult evaluation) {
        publishedByFirst.add(version.getVersion());
      }
    };
    Running a = Running.start(s.config(), s.blobs(), stopAtStep1);
    first.set(a.service);
    awaitVersion(kafka, s.topics(), a, 0);

    // when step 1 arrives, the first trainer stops mid-training, and a second one starts
    TrainerHarness.writeStep(kafka, s.topics(), 1, s.world().taskTrain(), 2, 1);
    a.join();
    assertThat(a.isRunning()).isFalse();
    assertThat(a.failure()).isNull();
    assertThat(batchesOfStep1.get()).isEqualTo(1);
    assertThat(publishedByFirst).containsExactly(0);
    assertThat(a.result().versionsPublished()).as("the stopped trainer's own count").isEqualTo(1);
    assertThat(a.result().stepsTrained()).isZero();
    assertThat(a.result().deadLetters()).as("the release table's poison, with version 0").isEqualTo(1);
    assertThat(a.result().latest().getVersion()).isZero();
    try (Running b = Running.start(s.config(), s.blobs(), TrainerListener.NONE)) {
      awaitVersion(kafka, s.topics(), b, 1);
    }

    // then every version, evaluation and dead letter exists exactly once (the release table's poison too, though
    // both trainers read it)
    assertPublishedOnce(kafka, s.topics());
    assertThat(deadLetters(kafka, s.topics())).extracting(DeadLetter::getReason)
        .containsExactlyInAnyOrder("undeserialisable", "missing_image", "unknown_schema");
  }

  @Test
  void shouldLeaveNothingVisibleWhenTheTrainerFailsJustBeforeCommittingAndRedoTheStepIdentically(
      KafkaTestEnv kafka) throws Exception {
    // given a first trainer that fails after sending step 1's records, before committing them
    Setup s = setup(kafka);
    TrainerListener failBeforeCommit = new TrainerListener() {
      @Override
      public void onPhase(int version, Phase phase) {
        if (version == 1 && phase == Phase.COMMITTING) {
          throw new IllegalStateException("simulated crash before commit");
        }
      }
    };
    Running a = Running.start(s.config(), s.blobs(), failBeforeCommit);
    awaitVersion(kafka, s.topics(), a, 0);
    TrainerHarness.writeStep(kafka, s.topics(), 1, s.world().taskTrain(), 2, 1);
    a.join();
    assertThat(a.failure()).hasMessageContaining("simulated crash before commit");
    Map<String, List<ModelVersion>> sent = TrainerHarness.uncommitted(kafka, s.topics().models);
    assertThat(sent.get("adapt-vlm@1")).as("the failed attempt did send version 1").hasSize(1);
    assertThat(versions(kafka, s.topics())).doesNotContainKey("adapt-vlm@1");

    // when a second trainer starts
    try (Running b = Running.start(s.config(), s.blobs(), TrainerListener.NONE)) {
      awaitVersion(kafka, s.topics(), b, 1);
    }

    // then read_committed readers see each version, evaluation and dead letter once, and the redone step made the
    // very same model as the failed attempt (same seed, same samples in the same order, one thread)
    assertPublishedOnce(kafka, s.topics());
    assertThat(deadLetters(kafka, s.topics())).extracting(DeadLetter::getReason)
        .containsExactlyInAnyOrder("undeserialisable", "missing_image");
    assertThat(TrainerHarness.uncommitted(kafka, s.topics().dlq).values().stream().mapToInt(List::size).sum())
        .as("both attempts wrote the dead letters; only one attempt's are committed").isEqualTo(4);
    assertThat(versions(kafka, s.topics()).get("adapt-vlm@1").get(0).getSha256())
        .isEqualTo(sent.get("adapt-vlm@1").get(0).getSha256());
  }
}
