package io.adaptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.IncomingEval;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Split;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.model.Example;
import io.adaptstream.model.Learner;
import io.adaptstream.model.LearnerConfig;
import io.adaptstream.model.Learners;
import io.adaptstream.testing.ModelFixtures;
import io.adaptstream.trainer.IngestView.Located;
import io.adaptstream.trainer.StepAssembler.Selected;
import io.adaptstream.trainer.StepTrainer.Made;
import io.adaptstream.trainer.StepTrainer.Rejected;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's model work without a broker: version 0, a step from the previous version, and what a failed publish
 * leaves.
 */
class StepTrainerTest {

  private static final Runnable NEVER_STOPPED = () -> {};

  @TempDir
  Path dir;

  private FileBlobStore blobs;
  private TinyWorld world;
  private TrainerConfig config;

  @BeforeEach
  void world() {
    blobs = new FileBlobStore(dir.resolve("blobs"));
    world = TinyWorld.create(blobs);
    Map<String, String> m = new HashMap<>();
    m.put("bootstrap.servers", "localhost:9092"); // never contacted
    m.put("schema.registry.url", "http://localhost:8081");
    m.put(TrainerConfig.BLOB_STORE, dir.resolve("blobs").toString());
    m.put(TrainerConfig.MODEL_CONFIG, TrainerFixtures.TINY.toJson());
    m.put(TrainerConfig.DETERMINISTIC, "true");
    m.put(TrainerConfig.BASE, "pretrain");
    m.put(TrainerConfig.PRETRAIN_STEPS, "4");
    m.put(TrainerConfig.STEPS, "4");
    m.put(TrainerConfig.BATCH_SIZE, "4");
    m.put(TrainerConfig.EVAL_BATCH_SIZE, "16");
    config = new TrainerConfig(m);
  }

  private StepTrainer<String> trainer(ModelVersion latest) {
    return new StepTrainer<>(config, blobs, TrainerListener.NONE, NEVER_STOPPED, latest);
  }

  private static List<Located> located(List<Sample> samples, Split split) {
    List<Located> out = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      if (samples.get(i).getSplit() == split) {
        out.add(new Located(samples.get(i), 0, i));
      }
    }
    return out;
  }

  /** Step 1's selections of the task release's train samples, each referred to by "ref-" and its sample id. */
  private List<Selected<String>> selections() {
    List<Selected<String>> out = new ArrayList<>();
    for (Sample s : world.taskTrain()) {
      out.add(new Selected<>(TrainerFixtures.selection(1, s), 0, out.size(), "ref-" + s.getId()));
    }
    return out;
  }

  private List<Located> tests() {
    List<Located> out = new ArrayList<>(located(world.pretrain(), Split.TEST));
    out.addAll(located(world.task(), Split.TEST));
    return out;
  }

  @Test
  void shouldPretrainVersionZeroOnTheUsableSamplesAndRejectTheOthersWhenTheBaseIsPretrain() throws IOException {
    // given the pretraining release's train samples plus one whose image is missing
    List<Located> pretrain = new ArrayList<>(located(world.pretrain(), Split.TRAIN));
    Located broken = new Located(TrainerFixtures.inRelease(world.broken(), "pre"), 1, 99);
    pretrain.add(broken);
    AtomicReference<Made<Located>> published = new AtomicReference<>();

    try (StepTrainer<String> trainer = trainer(null)) {
      // when
      Made<Located> made = trainer.makeBase("pre", pretrain, located(world.pretrain(), Split.TEST), published::set);

      // then: trained on every usable sample, the broken one handed back with where it was read
      assertThat(published.get()).isSameAs(made);
      assertThat(made.version()).isZero();
      assertThat(made.trainedSamples()).isEqualTo(pretrain.size() - 1);
      assertThat(made.rejected()).extracting(Rejected::ref).containsExactly(broken);
      assertThat(made.made().version().getRelease()).isEqualTo("pre");
      assertThat(made.made().version().getOptimizerSteps()).isEqualTo(4);
      assertThat(made.made().evaluation().getTestSamples()).isEqualTo(8);
      assertThat(blobs.contains(made.made().version().getSha256())).isTrue();
      assertThat(trainer.latest()).contains(made.made().version());
    }
  }

  @Test
  void shouldMakeTheSameStepFromTheModelInMemoryAsFromItsCheckpointWhenRestarted() throws IOException {
    // given version 0 made and kept in memory by one trainer
    Made<String> inMemory;
    ModelVersion base;
    try (StepTrainer<String> first = trainer(null)) {
      base = first.makeBase("pre", located(world.pretrain(), Split.TRAIN), tests(), made -> { }).made().version();

      // when it makes step 1, and a new trainer that only knows the published version 0 makes it again
      inMemory = first.makeStep(1, "r1", selections(), tests(), made -> { });
    }
    Made<String> restarted;
    try (StepTrainer<String> second = trainer(base)) {
      restarted = second.makeStep(1, "r1", selections(), tests(), made -> { });
    }

    // then: the same bytes, and the broken selection handed back by its reference
    assertThat(restarted.made().version().getSha256()).isEqualTo(inMemory.made().version().getSha256())
        .isNotEqualTo(base.getSha256());
    assertThat(restarted.made().evaluation().getItemScores()).isEqualTo(inMemory.made().evaluation().getItemScores());
    assertThat(restarted.rejected()).extracting(Rejected::ref).containsExactly("ref-" + world.broken().getId());
    assertThat(restarted.trainedSamples()).isEqualTo(world.taskTrain().size() - 1);
    assertThat(restarted.made().version().getRelease()).isEqualTo("r1");
    IncomingEval a = inMemory.made().evaluation().getIncoming();
    IncomingEval b = restarted.made().evaluation().getIncoming();
    assertThat(b.getPreviousAccuracy()).isEqualTo(a.getPreviousAccuracy()).isNotEmpty();
    assertThat(b.getBaseAccuracy()).isEqualTo(a.getBaseAccuracy());
  }

  @Test
  void shouldKeepThePreviousVersionAndRedoTheSameStepWhenPublishingFails() throws IOException {
    try (StepTrainer<String> trainer = trainer(null)) {
      // given version 0 published
      ModelVersion base = trainer.makeBase("pre", located(world.pretrain(), Split.TRAIN), tests(), made -> { })
          .made().version();
      AtomicReference<String> attempted = new AtomicReference<>();

      // when publishing step 1 fails
      assertThatThrownBy(() -> trainer.makeStep(1, "r1", selections(), tests(), made -> {
        attempted.set(made.made().version().getSha256());
        throw new IllegalStateException("the transaction was aborted");
      })).hasMessageContaining("aborted");

      // then version 0 is still the latest, and the step made again (from its checkpoint) is the same version
      assertThat(trainer.latest()).contains(base);
      Made<String> again = trainer.makeStep(1, "r1", selections(), tests(), made -> { });
      assertThat(again.made().version().getSha256()).isEqualTo(attempted.get());
      assertThat(trainer.latest()).contains(again.made().version());
    }
  }

  @Test
  void shouldPretrainAndFineTuneAUsersTorchScriptModuleWhenTheKindIsTorchscript() throws IOException {
    // given a trainer configured with the repository's TorchScript fixture
    Map<String, String> m = new HashMap<>(config.originalsStrings());
    m.put(LearnerConfig.KIND, "torchscript");
    m.put(LearnerConfig.PATH, ModelFixtures.tinyTorchScriptVlm().toString());
    config = new TrainerConfig(m);

    try (StepTrainer<String> trainer = trainer(null)) {
      // when it makes version 0 and step 1
      Made<Located> base = trainer.makeBase("pre", located(world.pretrain(), Split.TRAIN), tests(), made -> { });
      Made<String> step = trainer.makeStep(1, "r1", selections(), tests(), made -> { });

      // then both versions are torchscript checkpoints, trained and evaluated, with new weights each time
      for (ModelVersion v : List.of(base.made().version(), step.made().version())) {
        assertThat(v.getKind()).isEqualTo("torchscript");
        assertThat(Learners.kindOf(v.getConfig())).isEqualTo(LearnerConfig.Kind.TORCHSCRIPT);
        assertThat(v.getOptimizerSteps()).isEqualTo(4);
        assertThat(blobs.contains(v.getSha256())).isTrue();
      }
      assertThat(step.made().version().getSha256()).isNotEqualTo(base.made().version().getSha256());
      assertThat(step.made().evaluation().getTestSamples()).isEqualTo(tests().size());
    }
  }

  @Test
  void shouldRefuseToContinueFromACheckpointOfAnotherKindWhenTheConfiguredKindDiffers() throws IOException {
    // given version 0 made by the built-in model
    ModelVersion builtin;
    try (StepTrainer<String> first = trainer(null)) {
      builtin = first.makeBase("pre", located(world.pretrain(), Split.TRAIN), tests(), made -> { }).made().version();
    }
    assertThat(builtin.getKind()).isEqualTo("builtin");

    // when a trainer configured for a TorchScript module is asked to continue from it
    Map<String, String> m = new HashMap<>(config.originalsStrings());
    m.put(LearnerConfig.KIND, "torchscript");
    m.put(LearnerConfig.PATH, ModelFixtures.tinyTorchScriptVlm().toString());
    config = new TrainerConfig(m);
    try (StepTrainer<String> second = trainer(builtin)) {
      // then it refuses, saying which kinds differ
      assertThatThrownBy(() -> second.makeStep(1, "r1", selections(), tests(), made -> { }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("belongs to a builtin model")
          .hasMessageContaining("model.kind=torchscript");
    }
  }

  /** Release r2: r1's test samples again under new ids, so that step 2 has a test split of its own. */
  private List<Located> r2Tests() {
    List<Located> out = new ArrayList<>();
    for (Located l : located(world.task(), Split.TEST)) {
      Sample s = l.sample();
      out.add(new Located(Sample.newBuilder().setId("r2-" + s.getId()).setRelease("r2").setSourceId(s.getSourceId())
          .setSplit(s.getSplit()).setSkill("echo2").setConversations(s.getConversations()).setImages(s.getImages())
          .build(), 0, out.size()));
    }
    return out;
  }

  @Test
  void shouldRecordPerReleaseAccuracyAndTheIncomingEvaluationOfPreviousAndBaseWhenMakingASecondStep()
      throws IOException {
    List<Located> upTo2 = new ArrayList<>(tests());
    upTo2.addAll(r2Tests());
    try (StepTrainer<String> trainer = trainer(null)) {
      // given versions 0 and 1
      Made<Located> v0 = trainer.makeBase("pre", located(world.pretrain(), Split.TRAIN), located(world.pretrain(),
          Split.TEST), made -> { });
      Made<String> v1 = trainer.makeStep(1, "r1", selections(), tests(), made -> { });

      // when version 2 is made (r1's selections again, r2's test split new)
      Made<String> v2 = trainer.makeStep(2, "r2", selections(), upTo2, made -> { });

      // then every version's evaluation has accuracy per release for the releases up to its own
      assertThat(v0.made().evaluation().getReleaseSupport()).containsOnly(Map.entry("pre", 8L));
      assertThat(v0.made().evaluation().getIncoming()).isNull();
      assertThat(v1.made().evaluation().getReleaseSupport()).containsOnly(Map.entry("pre", 8L), Map.entry("r1", 4L));
      assertThat(v2.made().evaluation().getReleaseAccuracy()).containsOnlyKeys("pre", "r1", "r2");

      // and version 1's incoming part is version 0 on r1 alone, as both the previous and the base model
      IncomingEval in1 = v1.made().evaluation().getIncoming();
      assertThat(in1.getRelease()).isEqualTo("r1");
      assertThat(in1.getTestSamples()).isEqualTo(4);
      assertThat(in1.getSupport()).containsOnly(Map.entry("echo", 4L));
      assertThat(in1.getBaseAccuracy()).isEqualTo(in1.getPreviousAccuracy());
      assertThat(in1.getBaseReleaseAccuracy()).isEqualTo(in1.getPreviousReleaseAccuracy());

      // and version 2's is what versions 1 and 0, loaded from their checkpoints, score on r2's test split
      IncomingEval in2 = v2.made().evaluation().getIncoming();
      assertThat(in2.getRelease()).isEqualTo("r2");
      assertThat(in2.getSupport()).containsOnly(Map.entry("echo2", 4L));
      assertThat(in2.getPreviousAccuracy()).isEqualTo(evaluate(v1.made().version(), r2Tests()).getAccuracy());
      assertThat(in2.getBaseAccuracy()).isEqualTo(evaluate(v0.made().version(), r2Tests()).getAccuracy());
      assertThat(in2.getEvalSeconds()).isPositive();
    }
  }

  @Test
  void shouldLoadVersionZeroForTheIncomingEvaluationWhenRestartedAfterLaterVersions() throws IOException {
    // given versions 0, 1 and 2 made by one trainer
    List<Located> upTo2 = new ArrayList<>(tests());
    upTo2.addAll(r2Tests());
    ModelVersion v0;
    ModelVersion v1;
    Made<String> inMemory;
    try (StepTrainer<String> first = trainer(null)) {
      v0 = first.makeBase("pre", located(world.pretrain(), Split.TRAIN), tests(), made -> { }).made().version();
      v1 = first.makeStep(1, "r1", selections(), tests(), made -> { }).made().version();
      inMemory = first.makeStep(2, "r2", selections(), upTo2, made -> { });
    }

    // when a trainer that knows only the published versions 1 (latest) and 0 (base) makes version 2, and one that
    // is not told version 0
    Made<String> restarted;
    Made<String> withoutBase;
    try (StepTrainer<String> second = new StepTrainer<>(config, blobs, TrainerListener.NONE, NEVER_STOPPED, v1,
        v0)) {
      restarted = second.makeStep(2, "r2", selections(), upTo2, made -> { });
    }
    try (StepTrainer<String> third = trainer(v1)) {
      withoutBase = third.makeStep(2, "r2", selections(), upTo2, made -> { });
    }

    // then the first gives the same version and the same incoming evaluation, base part included; the second the
    // same version without the base part
    IncomingEval a = inMemory.made().evaluation().getIncoming();
    IncomingEval b = restarted.made().evaluation().getIncoming();
    assertThat(restarted.made().version().getSha256()).isEqualTo(inMemory.made().version().getSha256());
    assertThat(b.getPreviousAccuracy()).isEqualTo(a.getPreviousAccuracy());
    assertThat(b.getBaseAccuracy()).isEqualTo(a.getBaseAccuracy()).isNotEmpty();
    assertThat(b.getBaseReleaseAccuracy()).isEqualTo(a.getBaseReleaseAccuracy());
    IncomingEval c = withoutBase.made().evaluation().getIncoming();
    assertThat(withoutBase.made().version().getSha256()).isEqualTo(inMemory.made().version().getSha256());
    assertThat(c.getPreviousAccuracy()).isEqualTo(a.getPreviousAccuracy());
    assertThat(c.getBaseAccuracy()).isEmpty();
    assertThat(c.getBaseReleaseAccuracy()).isNull();
  }

  @Test
  void shouldMakeTheSameBytesWhenTheIncomingEvaluationIsTurnedOff() throws IOException {
    // given the same two steps made with the incoming evaluation on, then off
    List<Located> upTo2 = new ArrayList<>(tests());
    upTo2.addAll(r2Tests());
    List<String> on = new ArrayList<>();
    List<String> off = new ArrayList<>();
    for (List<String> out : List.of(on, off)) {
      if (out == off) {
        Map<String, String> m = new HashMap<>(config.originalsStrings());
        m.put(TrainerConfig.EVAL_TRANSFER, "false");
        config = new TrainerConfig(m);
      }
      try (StepTrainer<String> trainer = trainer(null)) {
        trainer.makeBase("pre", located(world.pretrain(), Split.TRAIN), tests(), made -> { });
        for (int step = 1; step <= 2; step++) {
          Made<String> made = trainer.makeStep(step, "r" + step, selections(), upTo2, m -> { });
          out.add(made.made().version().getSha256());
          assertThat(made.made().evaluation().getIncoming() == null).isEqualTo(out == off);
        }
      }
    }

    // then the evaluation changed nothing of what was trained
    assertThat(off).isEqualTo(on);
  }

  private EvalResult evaluate(ModelVersion version, List<Located> tests) throws IOException {
    List<Example> examples = new ArrayList<>();
    for (Located l : tests) {
      examples.add(new ExampleFactory(blobs).convert(l.sample()).example());
    }
    try (Learner model = Learners.load(config.learner(), blobs, version.getSha256(), version.getConfig(),
        config.device())) {
      return new VersionMaker("m", blobs, 16, TrainerListener.NONE).evaluate(version.getVersion(), model, examples);
    }
  }
}
