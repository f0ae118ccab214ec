package io.adaptstream.trainer;

import static io.adaptstream.trainer.TrainerHarness.deadLetters;
import static io.adaptstream.trainer.TrainerHarness.evals;
import static io.adaptstream.trainer.TrainerHarness.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Split;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.blob.Sha256;
import io.adaptstream.model.ComputeDevice;
import io.adaptstream.model.ModelConfig;
import io.adaptstream.model.BuiltinLearner;
import io.adaptstream.model.Learner;
import io.adaptstream.model.LearnerConfig;
import io.adaptstream.model.Learners;
import io.adaptstream.model.VisionLanguageModel;
import io.adaptstream.runtime.metrics.ServiceMeters;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import io.adaptstream.trainer.TrainerHarness.Running;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class TrainerIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir
  Path dir;

  @Test
  void shouldPretrainVersionZeroThenFineTuneOnStepOneAndPublishEachExactlyOnce(KafkaTestEnv kafka) throws Exception {
    // given a pretraining release and a task release on the ingest log, with their images in the blob store
    TopicCatalogue topics = kafka.newCatalogue();
    FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
    TinyWorld world = TinyWorld.create(blobs);
    TrainerHarness.publishRelease(kafka, topics, "pre", ReleaseRole.PRETRAIN, 0, world.pretrain());
    TrainerHarness.publishRelease(kafka, topics, "r1", ReleaseRole.TASK, 1, world.task());
    TrainerConfig config = TrainerHarness.config(kafka, topics, dir.resolve("blobs"),
        Map.of(TrainerConfig.BASE, "pretrain", TrainerConfig.STEPS, "5"));
    List<String> published = new CopyOnWriteArrayList<>();
    TrainerListener listener = new TrainerListener() {
      @Override
      public void onPublished(ModelVersion version, EvalResult evaluation) {
        published.add(version.getModel() + "@" + version.getVersion());
      }
    };

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Running stopped;
    try (Running trainer = Running.start(config, blobs, listener, meters)) {
      stopped = trainer;
      // when the trainer starts, then it pretrains and publishes version 0 with its evaluation
      await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
        trainer.assertAlive();
        return versions(kafka, topics).containsKey("adapt-vlm@0");
      });
      ModelVersion v0 = versions(kafka, topics).get("adapt-vlm@0").get(0);
      assertThat(v0.getRelease()).isEqualTo("pre");
      assertThat(v0.getTrainedSamples()).isEqualTo(16);
      assertThat(v0.getTrainLoss()).isNotNull().isPositive();
      assertThat(v0.getOptimizerSteps()).isEqualTo(4); // pretraining in epochs mode: 1 epoch of 16 in batches of 4
      assertThat(v0.getSamplePasses()).isEqualTo(16);
      assertThat(ModelConfig.fromJson(v0.getConfig())).isEqualTo(TrainerFixtures.TINY);
      EvalResult e0 = evals(kafka, topics).get("adapt-vlm@0").get(0);
      assertThat(e0.getAccuracy()).containsOnlyKeys("colour", "sum");
      assertThat(e0.getSupport()).isEqualTo(Map.of("colour", 4L, "sum", 4L));
      assertThat(e0.getTestSamples()).isEqualTo(8);

      // when step 1's selections arrive from two selector tasks, with an unreadable record and a sample whose
      // image is gone
      TrainerHarness.writeStep(kafka, topics, 1, world.taskTrain(), 2, 1);

      // then version 1 is published, trained on the usable selections
      await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
        trainer.assertAlive();
        return versions(kafka, topics).containsKey("adapt-vlm@1");
      });
    }

    Map<String, List<ModelVersion>> versions = versions(kafka, topics);
    Map<String, List<EvalResult>> evals = evals(kafka, topics);
    assertThat(versions).containsOnlyKeys("adapt-vlm@0", "adapt-vlm@1");
    assertThat(versions.values()).allSatisfy(list -> assertThat(list).hasSize(1));
    assertThat(evals).containsOnlyKeys("adapt-vlm@0", "adapt-vlm@1");
    assertThat(evals.values()).allSatisfy(list -> assertThat(list).hasSize(1));
    assertThat(published).containsExactly("adapt-vlm@0", "adapt-vlm@1");

    ModelVersion v1 = versions.get("adapt-vlm@1").get(0);
    assertThat(v1.getRelease()).isEqualTo("r1");
    assertThat(v1.getTrainedSamples()).isEqualTo(8);
    assertThat(v1.getTrainSeconds()).isPositive();
    assertThat(v1.getOptimizerSteps()).isEqualTo(5); // steps mode: 5 steps of 4, whatever the 8 samples
    assertThat(v1.getSamplePasses()).isEqualTo(20);
    EvalResult e1 = evals.get("adapt-vlm@1").get(0);
    assertThat(e1.getModel()).isEqualTo("adapt-vlm");
    assertThat(e1.getVersion()).isEqualTo(1);
    assertThat(e1.getAccuracy()).containsOnlyKeys("colour", "sum", "echo");
    assertThat(e1.getAccuracy().values()).allSatisfy(a -> assertThat(a).isBetween(0.0, 1.0));
    assertThat(e1.getSupport()).isEqualTo(Map.of("colour", 4L, "sum", 4L, "echo", 4L));
    assertThat(e1.getAvgAccuracy())
        .isCloseTo(e1.getAccuracy().values().stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
            offset(1e-12));
    assertThat(e1.getItemScores()).containsOnlyKeys("colour", "sum", "echo");
    e1.getItemScores().forEach((group, scores) -> {
      assertThat((long) scores.size()).isEqualTo(e1.getSupport().get(group));
      assertThat(scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow())
          .isCloseTo(e1.getAccuracy().get(group), offset(1e-12));
    });
    // per release as well, and, before training, version 0 on release r1's test split alone (the incoming part)
    assertThat(e1.getReleaseSupport()).isEqualTo(Map.of("pre", 8L, "r1", 4L));
    assertThat(e1.getReleaseAccuracy()).containsOnlyKeys("pre", "r1");
    assertThat(e1.getIncoming().getRelease()).isEqualTo("r1");
    assertThat(e1.getIncoming().getSupport()).isEqualTo(Map.of("echo", 4L));
    assertThat(e1.getIncoming().getBaseAccuracy()).isEqualTo(e1.getIncoming().getPreviousAccuracy());
    assertThat(evals.get("adapt-vlm@0").get(0).getIncoming()).isNull();

    // and the two bad records of the step are dead letters, once each
    List<DeadLetter> dead = deadLetters(kafka, topics);
    assertThat(dead).extracting(DeadLetter::getReason).containsExactlyInAnyOrder("undeserialisable", "missing_image");
    assertThat(dead).allSatisfy(d -> {
      assertThat(d.getService()).isEqualTo("trainer");
      assertThat(d.getSourceTopic()).isEqualTo(topics.selections.name());
    });
    assertThat(dead).filteredOn(d -> d.getReason().equals("missing_image")).singleElement()
        .satisfies(d -> assertThat(d.getDetail()).contains(world.broken().getId()));

    // and the run, once closed, says what it published: both versions, one step, those dead letters
    TrainerResult result = stopped.result();
    assertThat(result).isNotNull();
    assertThat(result.versionsPublished()).isEqualTo(2);
    assertThat(result.stepsTrained()).isEqualTo(1);
    assertThat(result.deadLetters()).isEqualTo(dead.size());
    assertThat(result.unreadableIngestRecords()).isZero();

    // and its meters say the same: version 1 the newest, two published, the dead letters by reason, every phase
    assertThat(meters.get(TrainerMetrics.MODEL_VERSION).gauge().value()).isEqualTo(1.0);
    assertThat(meters.get(TrainerMetrics.VERSIONS_PUBLISHED).counter().count()).isEqualTo(2.0);
    assertThat(meters.get(TrainerMetrics.OPTIMIZER_STEPS).counter().count()).isEqualTo(4.0 + 5.0);
    assertThat(meters.get(TrainerMetrics.LOSS).gauge().value()).isPositive();
    for (String reason : List.of("undeserialisable", "missing_image")) {
      assertThat(meters.get(ServiceMeters.DEAD_LETTERS).tag("reason", reason).counter().count()).isEqualTo(1.0);
    }
    for (String phase : List.of("training", "publishing")) {
      assertThat(meters.get(ServiceMeters.STEP_PHASE).tag("phase", phase).timer().count()).as(phase).isEqualTo(2);
    }
    // evaluations: version 0's, before training version 1 (v0 on release 1's tests, for forward transfer), version 1's
    assertThat(meters.get(ServiceMeters.STEP_PHASE).tag("phase", "evaluation").timer().count()).isEqualTo(3);
    assertThat(result.latest()).isEqualTo(v1);

    // and the checkpoints load from the blob store and are exactly the published bytes
    for (ModelVersion v : List.of(versions.get("adapt-vlm@0").get(0), v1)) {
      assertThat(v.getUri()).isEqualTo(blobs.uri(v.getSha256()).toString());
      assertThat(Sha256.hex(Files.readAllBytes(blobs.path(v.getSha256())))).isEqualTo(v.getSha256());
      try (Learner loaded = Learners.load(LearnerConfig.builtin(), blobs, v.getSha256(), v.getConfig(),
          ComputeDevice.CPU)) {
        assertThat(loaded.save(blobs).sha256()).isEqualTo(v.getSha256());
      }
    }
    assertThat(v1.getSha256()).isNotEqualTo(versions.get("adapt-vlm@0").get(0).getSha256());

    // and the trainer's offsets are just past step 1's markers on every partition
    Map<TopicPartition, OffsetAndMetadata> committed = kafka.admin()
        .listConsumerGroupOffsets(topics.runScopedName("trainer")).partitionsToOffsetAndMetadata()
        .get(30, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < topics.selections.partitions(); p++) {
      latest.put(new TopicPartition(topics.selections.name(), p), OffsetSpec.latest());
    }
    Map<TopicPartition, ListOffsetsResultInfo> ends = kafka.admin().listOffsets(latest).all().get(30, TimeUnit.SECONDS);
    List<Long> committedOffsets = new ArrayList<>();
    List<Long> endOffsets = new ArrayList<>();
    for (TopicPartition tp : latest.keySet()) {
      committedOffsets.add(committed.get(tp).offset());
      endOffsets.add(ends.get(tp).offset());
    }
    assertThat(committedOffsets).isEqualTo(endOffsets);
  }

  @Test
  void shouldStartFromAnUntrainedModelAndEvaluateUnlabelledReleasesByName(KafkaTestEnv kafka) throws Exception {
    // given only a task release whose test samples have no skill label
    TopicCatalogue topics = kafka.newCatalogue();
    FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
    List<Sample> task = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      task.add(TrainerFixtures.sample("plain", i < 4 ? Split.TRAIN : Split.TEST, null, "Say " + i,
          Integer.toString(i), List.of()));
    }
    TrainerHarness.publishRelease(kafka, topics, "plain", ReleaseRole.TASK, 1, task);
    TrainerConfig config = TrainerHarness.config(kafka, topics, dir.resolve("blobs"),
        Map.of(TrainerConfig.BASE, "random"));

    try (Running trainer = Running.start(config, blobs, TrainerListener.NONE)) {
      // when version 0 (untrained, nothing to evaluate yet) exists and step 1 selects the train samples
      await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
        trainer.assertAlive();
        return versions(kafka, topics).containsKey("adapt-vlm@0");
      });
      TrainerHarness.writeStep(kafka, topics, 1, task.subList(0, 4), 1, 0);
      await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
        trainer.assertAlive();
        return versions(kafka, topics).containsKey("adapt-vlm@1");
      });
    }

    // then version 0 is untrained with an empty evaluation, and version 1 is evaluated per release
    ModelVersion v0 = versions(kafka, topics).get("adapt-vlm@0").get(0);
    assertThat(v0.getTrainedSamples()).isZero();
    assertThat(v0.getTrainLoss()).isNull();
    assertThat(v0.getRelease()).isNull();
    assertThat(v0.getOptimizerSteps()).isZero();
    assertThat(v0.getSamplePasses()).isZero();
    EvalResult e0 = evals(kafka, topics).get("adapt-vlm@0").get(0);
    assertThat(e0.getAccuracy()).isEmpty();
    assertThat(e0.getTestSamples()).isZero();
    assertThat(e0.getItemScores()).isEmpty();
    EvalResult e1 = evals(kafka, topics).get("adapt-vlm@1").get(0);
    assertThat(e1.getAccuracy()).containsOnlyKeys("plain");
    assertThat(e1.getSupport()).isEqualTo(Map.of("plain", 2L));
    assertThat(versions(kafka, topics).get("adapt-vlm@1").get(0).getTrainedSamples()).isEqualTo(4);
  }
  @Test
  void shouldPublishAGivenCheckpointAsVersionZeroWithItsSha256(KafkaTestEnv kafka) throws Exception {
    // given a checkpoint directory written elsewhere, and a pretraining release for its evaluation
    TopicCatalogue topics = kafka.newCatalogue();
    FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
    Path checkpoint = dir.resolve("base-model");
    String sha;
    try (Learner model = new BuiltinLearner(VisionLanguageModel.create(TrainerFixtures.TINY, 42, ComputeDevice.CPU))) {
      sha = Checkpoints.write(model, new FileBlobStore(dir.resolve("elsewhere")), checkpoint).sha256();
    }
    TrainerHarness.publishRelease(kafka, topics, "pre", ReleaseRole.PRETRAIN, 0, TinyWorld.create(blobs).pretrain());
    TrainerConfig config = TrainerHarness.config(kafka, topics, dir.resolve("blobs"),
        Map.of(TrainerConfig.BASE, "checkpoint", TrainerConfig.BASE_CHECKPOINT, checkpoint.toString()));

    // when
    try (Running trainer = Running.start(config, blobs, TrainerListener.NONE)) {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
        trainer.assertAlive();
        return versions(kafka, topics).containsKey("adapt-vlm@0");
      });
    }

    // then version 0 is that checkpoint, now in the run's blob store, evaluated on the pretraining test split
    ModelVersion v0 = versions(kafka, topics).get("adapt-vlm@0").get(0);
    assertThat(v0.getSha256()).isEqualTo(sha);
    assertThat(blobs.contains(sha)).isTrue();
    assertThat(v0.getTrainedSamples()).isZero();
    assertThat(evals(kafka, topics).get("adapt-vlm@0").get(0).getSupport()).isEqualTo(Map.of("colour", 4L, "sum", 4L));
  }
}
