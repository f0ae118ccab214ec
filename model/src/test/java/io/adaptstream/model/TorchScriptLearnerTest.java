package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import io.adaptstream.blob.BlobIntegrityException;
import io.adaptstream.blob.FileBlobStore;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TorchScript learner on the committed fixture module (src/test/fixtures/make_tiny_vlm.py). */
class TorchScriptLearnerTest {

  /** Parameters of the fixture, as its generator prints them. */
  private static final long FIXTURE_PARAMETERS = 154_944;
  private static final String OUTPUT_PROJECTION = "lm_head.weight";

  @TempDir
  Path dir;

  static Path fixture() {
    try {
      return Path.of(TorchScriptLearnerTest.class.getResource("/tiny-vlm.pt").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static TorchScriptLearner openFixture(String trainable) throws IOException {
    return TorchScriptLearner.open(LearnerConfig.torchScript(fixture(), trainable), ComputeDevice.CPU);
  }

  private static TrainOptions steps(int steps) {
    return TrainOptions.defaults().withSteps(steps).withBatchSize(8).withLearningRate(3e-3f);
  }

  @Test
  void shouldOpenTheFixtureWithItsLayoutAndEveryParameterTrainable() throws IOException {
    // when
    try (TorchScriptLearner learner = openFixture(LearnerConfig.ALL_PARAMETERS)) {

      // then
      TorchScriptConfig config = learner.config();
      assertThat(config.imageSize()).isEqualTo(32);
      assertThat(config.maxImages()).isEqualTo(3);
      assertThat(config.maxTextTokens()).isEqualTo(128);
      assertThat(config.vocabSize()).isEqualTo(ByteTokenizer.VOCAB_SIZE);
      assertThat(learner.kind()).isEqualTo("torchscript");
      assertThat(learner.parameterCount()).isEqualTo(FIXTURE_PARAMETERS);
      assertThat(learner.trainableParameters()).contains(OUTPUT_PROJECTION, "patch.weight", "layers.0.fc1.weight")
          .hasSize(learner.block().getParameters().size());
      assertThat(TorchScriptConfig.fromJson(learner.configJson())).isEqualTo(config);
    }
  }

  @Test
  void shouldLowerTheLossWhenTrainingAFewSteps() throws IOException {
    // given
    List<Example> train = new SyntheticSamples(1).mixed(24);
    try (TorchScriptLearner learner = openFixture(LearnerConfig.ALL_PARAMETERS)) {
      List<Float> batchLosses = new ArrayList<>();

      // when
      TrainReport report = learner.train(train, steps(30), (step, total, perEpoch, loss) -> batchLosses.add(loss));

      // then
      assertThat(report.optimizerSteps()).isEqualTo(30);
      assertThat(batchLosses).hasSize(30);
      assertThat(report.epochLosses().get(report.epochLosses().size() - 1))
          .isLessThan(0.5f * report.epochLosses().get(0));
      assertThat(batchLosses.get(29)).isLessThan(batchLosses.get(0));
    }
  }

  @Test
  void shouldTrainOnlyTheParametersMatchingThePattern() throws IOException {
    // given
    List<Example> train = new SyntheticSamples(2).mixed(8);
    try (TorchScriptLearner learner = openFixture("lm_head\\..*")) {
      float[] frozenBefore = parameter(learner, "layers.0.fc1.weight");
      float[] headBefore = parameter(learner, OUTPUT_PROJECTION);

      // when
      learner.train(train, steps(2), null);

      // then
      assertThat(learner.trainableParameters()).containsExactly(OUTPUT_PROJECTION);
      assertThat(parameter(learner, "layers.0.fc1.weight")).containsExactly(frozenBefore);
      assertThat(parameter(learner, OUTPUT_PROJECTION)).isNotEqualTo(headBefore);
    }
  }

  @Test
  void shouldGiveAMislabelledSampleHigherPerplexityAndEl2nThanACleanOne() throws IOException {
    // given: a learner that has seen colour, position and arithmetic questions
    SyntheticSamples data = new SyntheticSamples(3);
    try (TorchScriptLearner learner = openFixture(LearnerConfig.ALL_PARAMETERS)) {
      learner.train(data.mixed(48), steps(60), null);
      List<Example> probe = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Example clean = data.colour();
        probe.add(clean);
        // the same image and question with an answer of the wrong kind
        probe.add(new Example("mislabelled-" + i, List.of(clean.turns().get(0), Turn.gpt("bottom right")),
            clean.images(), "colour"));
      }

      // when
      List<SampleSignals> signals = learner.signals(probe, 4);

      // then
      for (int i = 0; i < probe.size(); i += 2) {
        SampleSignals clean = signals.get(i);
        SampleSignals mislabelled = signals.get(i + 1);
        assertThat(mislabelled.perplexity()).as("perplexity of pair %d", i / 2).isGreaterThan(clean.perplexity());
        assertThat(mislabelled.el2n()).as("EL2N of pair %d", i / 2).isGreaterThan(clean.el2n());
      }
      for (SampleSignals s : signals) {
        assertThat(norm(s.sketch())).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(norm(s.embedding())).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(s.sketch()).hasSize(learner.config().sketchDim());
        assertThat(s.entropy()).isPositive();
        assertThat(s.grand()).isPositive();
      }
    }
  }

  @Test
  void shouldGiveZeroGroundingToTextOnlySamplesAndNonZeroToSamplesWithImages() throws IOException {
    // given
    SyntheticSamples data = new SyntheticSamples(4);
    List<Example> probe = List.of(data.text(), data.colour(), data.compare());
    try (TorchScriptLearner learner = openFixture(LearnerConfig.ALL_PARAMETERS)) {

      // when
      List<SampleSignals> signals = learner.signals(probe, 8);

      // then
      assertThat(signals.get(0).grounding()).isZero();
      assertThat(signals.get(1).grounding()).isNotZero();
      assertThat(signals.get(2).grounding()).isNotZero();
    }
  }

  @Test
  void shouldGiveEachSampleTheSameSignalsWhateverItsBatchCompanions() throws IOException {
    // given: samples of different lengths and image counts, so batches pad text and image slots
    SyntheticSamples data = new SyntheticSamples(10);
    List<Example> probe = data.varied(7);
    try (TorchScriptLearner learner = openFixture(LearnerConfig.ALL_PARAMETERS)) {
      learner.train(data.mixed(16), steps(3), null);

      // when
      List<SampleSignals> alone = learner.signals(probe, 1);
      List<SampleSignals> together = learner.signals(probe, 7);

      // then
      for (int i = 0; i < probe.size(); i++) {
        assertThat(together.get(i).perplexity()).as("perplexity %d", i)
            .isCloseTo(alone.get(i).perplexity(), org.assertj.core.data.Percentage.withPercentage(1e-3));
        assertThat(together.get(i).grounding()).as("grounding %d", i)
            .isCloseTo(alone.get(i).grounding(), org.assertj.core.data.Offset.offset(1e-5));
        for (int j = 0; j < alone.get(i).sketch().length; j++) {
          assertThat(together.get(i).sketch()[j]).isCloseTo(alone.get(i).sketch()[j],
              org.assertj.core.data.Offset.offset(1e-4f));
        }
        for (int j = 0; j < alone.get(i).embedding().length; j++) {
          assertThat(together.get(i).embedding()[j]).isCloseTo(alone.get(i).embedding()[j],
              org.assertj.core.data.Offset.offset(1e-4f));
        }
      }
    }
  }

  @Test
  void shouldRoundTripBitIdenticallyThroughTheBlobStore() throws IOException {
    // given
    SyntheticSamples data = new SyntheticSamples(5);
    FileBlobStore blobs = new FileBlobStore(dir);
    List<Example> probe = data.varied(6);
    try (TorchScriptLearner learner = openFixture(LearnerConfig.ALL_PARAMETERS)) {
      learner.train(data.mixed(16), steps(3), null);
      float[] gradients = learner.outputGradients(probe);
      List<SampleSignals> expected = learner.signals(probe, 8);

      // when
      CheckpointRef ref = learner.save(blobs);
      try (TorchScriptLearner loaded = TorchScriptLearner.load(blobs, ref.sha256(), ref.configJson(),
          ComputeDevice.CPU)) {

        // then
        assertThat(loaded.outputGradients(probe)).containsExactly(gradients);
        List<SampleSignals> signals = loaded.signals(probe, 8);
        for (int i = 0; i < probe.size(); i++) {
          assertThat(signals.get(i).sketch()).containsExactly(expected.get(i).sketch());
          assertThat(signals.get(i).embedding()).containsExactly(expected.get(i).embedding());
          assertThat(signals.get(i).perplexity()).isEqualTo(expected.get(i).perplexity());
          assertThat(signals.get(i).grounding()).isEqualTo(expected.get(i).grounding());
        }
        for (Pair<String, Parameter> p : learner.block().getParameters()) {
          assertThat(parameter(loaded, p.getKey())).as(p.getKey()).containsExactly(parameter(learner, p.getKey()));
        }
        assertThat(loaded.save(blobs).sha256()).isEqualTo(ref.sha256());
        assertThat(loaded.trainableParameters()).isEqualTo(learner.trainableParameters());
      }
    }
  }

  @Test
  void shouldKeepTrainingAfterLoading() throws IOException {
    // given
    SyntheticSamples data = new SyntheticSamples(6);
    FileBlobStore blobs = new FileBlobStore(dir);
    List<Example> train = data.mixed(16);
    CheckpointRef ref;
    try (TorchScriptLearner learner = openFixture(LearnerConfig.ALL_PARAMETERS)) {
      ref = learner.save(blobs);
    }
    try (TorchScriptLearner loaded = TorchScriptLearner.load(blobs, ref.sha256(), ref.configJson(),
        ComputeDevice.CPU)) {

      // when
      TrainReport report = loaded.train(train, steps(20), null);

      // then
      assertThat(report.epochLosses().get(report.epochLosses().size() - 1))
          .isLessThan(report.epochLosses().get(0));
      assertThat(loaded.save(blobs).sha256()).isNotEqualTo(ref.sha256());
    }
  }

  @Test
  void shouldMatchAutogradsPerSampleGradientOfTheOutputProjection() throws IOException {
    // given: a partly trained module (an untrained one predicts nearly uniformly) and samples of every shape
    SyntheticSamples data = new SyntheticSamples(7);
    List<Example> probe = List.of(data.text(), data.colour(), data.describe(), data.compare(), data.threeImages());
    try (TorchScriptLearner learner = openFixture(LearnerConfig.ALL_PARAMETERS)) {
      learner.train(data.mixed(16), steps(5), null);
      int v = learner.config().vocabSize();
      float[] closedForm = learner.outputGradients(probe);
      int per = closedForm.length / probe.size();
      List<SampleSignals> signals = learner.signals(probe, 8);
      KroneckerProjection projection = new KroneckerProjection(v, per / v, learner.config().sketchSide(),
          learner.config().projectionSeed());

      for (int i = 0; i < probe.size(); i++) {
        // when: autograd on a batch of one
        float[] autograd = autogradGradient(learner, probe.get(i), OUTPUT_PROJECTION);

        // then
        assertThat(autograd).hasSize(per);
        double maxDiff = 0;
        double maxAbs = 0;
        for (int j = 0; j < per; j++) {
          maxDiff = Math.max(maxDiff, Math.abs(autograd[j] - closedForm[i * per + j]));
          maxAbs = Math.max(maxAbs, Math.abs(autograd[j]));
        }
        assertThat(maxAbs).as("sample %d has a gradient", i).isPositive();
        assertThat(maxDiff / maxAbs).as("relative error of sample %d", i).isLessThan(1e-4);
        float[] sketch = KroneckerProjection.normalize(projection.project(autograd));
        for (int j = 0; j < sketch.length; j++) {
          assertThat((double) signals.get(i).sketch()[j]).as("sketch %d of sample %d", j, i)
              .isCloseTo(sketch[j], org.assertj.core.data.Offset.offset(1e-4));
        }
      }
    }
  }

  @Test
  void shouldAnswerTestQuestionsByGreedyDecoding() throws IOException {
    // given
    SyntheticSamples data = new SyntheticSamples(8);
    List<Example> text = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      text.add(Example.of("echo-" + i, "Say yes.", "yes", List.of(), "echo"));
    }
    try (TorchScriptLearner learner = openFixture(LearnerConfig.ALL_PARAMETERS)) {
      learner.train(text, steps(40), null);

      // when
      EvalReport report = learner.evaluate(List.of(text.get(0), data.colour()), 4, Evaluator.DEFAULT_ANSWER_MARGIN);

      // then
      assertThat(report.accuracy().get("echo")).isEqualTo(1.0);
      assertThat(report.support()).containsEntry("echo", 1L).containsEntry("colour", 1L);
    }
  }

  @Test
  void shouldMakeTheSameWeightsFromTheModelInMemoryAsFromItsCheckpointWhenTrainedAgain() throws IOException {
    // given a learner trained once (version 0), kept in memory, and its checkpoint
    SyntheticSamples data = new SyntheticSamples(10);
    List<Example> first = data.mixed(16);
    List<Example> second = data.varied(12);
    FileBlobStore blobs = new FileBlobStore(dir);
    String inMemory;
    CheckpointRef base;
    try (TorchScriptLearner learner = openFixture(LearnerConfig.ALL_PARAMETERS)) {
      learner.train(first, steps(4), null);
      base = learner.save(blobs);
      learner.evaluate(second.subList(0, 4), 4, Evaluator.DEFAULT_ANSWER_MARGIN);

      // when the one in memory trains on more, and a learner loaded from the checkpoint trains on the same
      learner.train(second, steps(3), null);
      inMemory = learner.save(blobs).sha256();
    }
    String reloaded;
    try (TorchScriptLearner loaded = TorchScriptLearner.load(blobs, base.sha256(), base.configJson(),
        ComputeDevice.CPU)) {
      loaded.train(second, steps(3), null);
      reloaded = loaded.save(blobs).sha256();
    }

    // then both made the same bytes: a restarted trainer continues a run exactly
    assertThat(reloaded).isEqualTo(inMemory);
  }

  @Test
  void shouldSaveTheSameCheckpointBytesWhetherOrNotAnEvaluationRanAfterTraining() throws IOException {
    // given two learners trained alike
    SyntheticSamples data = new SyntheticSamples(12);
    List<Example> train = data.mixed(16);
    FileBlobStore blobs = new FileBlobStore(dir);
    String evaluatedFirst;
    String savedFirst;
    try (TorchScriptLearner a = openFixture(LearnerConfig.ALL_PARAMETERS);
        TorchScriptLearner b = openFixture(LearnerConfig.ALL_PARAMETERS)) {
      a.train(train, steps(3), null);
      b.train(train, steps(3), null);

      // when one is evaluated before it is saved (as the trainer does) and the other saved straight away
      a.evaluate(data.varied(4), 4, Evaluator.DEFAULT_ANSWER_MARGIN);
      evaluatedFirst = a.save(blobs).sha256();
      savedFirst = b.save(blobs).sha256();
    }

    // then the module's mode at saving does not enter the checkpoint
    assertThat(evaluatedFirst).isEqualTo(savedFirst);
  }

  @Test
  void shouldTrainToTheSameWeightsWhateverRanBeforeAndOnWhicheverThread() throws Exception {
    // given a learner that has already run many forwards of other shapes (signals and evaluations) on another
    // thread, as a long-lived scoring or trainer service's has, and a fresh one
    SyntheticSamples data = new SyntheticSamples(11);
    List<Example> train = data.mixed(16);
    FileBlobStore blobs = new FileBlobStore(dir);
    CheckpointRef base;
    try (TorchScriptLearner seed = openFixture(LearnerConfig.ALL_PARAMETERS)) {
      base = seed.save(blobs);
    }
    String used;
    try (TorchScriptLearner learner = TorchScriptLearner.load(blobs, base.sha256(), base.configJson(),
        ComputeDevice.CPU)) {
      Thread warm = new Thread(() -> {
        for (int i = 0; i < 6; i++) {
          learner.signals(data.varied(3 + i), 2 + i);
          learner.evaluate(data.mixed(5 + i), 3, Evaluator.DEFAULT_ANSWER_MARGIN);
        }
      });
      warm.start();
      warm.join();

      // when it trains from the same weights on another thread, and the fresh one trains on this one
      String[] hash = new String[1];
      Thread trainer = new Thread(() -> {
        learner.train(train, steps(4), null);
        try {
          hash[0] = learner.save(blobs).sha256();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      trainer.start();
      trainer.join();
      used = hash[0];
    }
    String fresh;
    try (TorchScriptLearner learner = TorchScriptLearner.load(blobs, base.sha256(), base.configJson(),
        ComputeDevice.CPU)) {
      learner.train(train, steps(4), null);
      fresh = learner.save(blobs).sha256();
    }

    // then: the bits do not depend on the module's history (replay and the overhead check compare them)
    assertThat(used).isNotNull().isEqualTo(fresh);
  }

  @Test
  void shouldTrainToBitIdenticalWeightsWhenRunTwiceWithTheSameSeed() throws IOException {
    // given (the module's tests run PyTorch with one thread: adapt.deterministic in the surefire config)
    List<Example> train = new SyntheticSamples(9).mixed(16);
    FileBlobStore blobs = new FileBlobStore(dir);
    String[] hashes = new String[2];

    // when
    for (int run = 0; run < 2; run++) {
      try (TorchScriptLearner learner = openFixture(LearnerConfig.ALL_PARAMETERS)) {
        learner.train(train, steps(4).withImageDropout(0.3f), null);
        hashes[run] = learner.save(blobs).sha256();
      }
    }

    // then
    assertThat(DjlRuntime.isDeterministic()).isTrue();
    assertThat(hashes[1]).isEqualTo(hashes[0]);
  }

  @Test
  void shouldRefuseAPatternThatMatchesNoParameterNamingTheParameters() {
    assertThatThrownBy(() -> openFixture("adapter\\..*"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(LearnerConfig.TRAINABLE_PATTERN)
        .hasMessageContaining("lm_head.weight");
  }

  @Test
  void shouldRefuseAFileThatIsNotATorchScriptModule() throws IOException {
    // given
    Path notAModule = dir.resolve("notes.pt");
    Files.writeString(notAModule, "not a module");

    // when / then
    assertThatThrownBy(() -> TorchScriptLearner.open(LearnerConfig.torchScript(notAModule, ".*"), ComputeDevice.CPU))
        .isInstanceOf(IOException.class).hasMessageContaining("cannot open TorchScript module");
  }

  @Test
  void shouldRefuseACheckpointLoadedWithAnotherConfigOrCorrupted() throws IOException {
    // given
    FileBlobStore blobs = new FileBlobStore(dir);
    CheckpointRef ref;
    try (TorchScriptLearner learner = openFixture(LearnerConfig.ALL_PARAMETERS)) {
      ref = learner.save(blobs);
    }
    TorchScriptConfig saved = TorchScriptConfig.fromJson(ref.configJson());
    String other = new TorchScriptConfig(saved.kind(), saved.imageSize(), saved.maxImages(), saved.maxTextTokens(),
        saved.vocabSize(), "lm_head\\..*", saved.tokenizer(), saved.tokenizerSha256(), saved.sketchDim(),
        saved.projectionSeed()).toJson();
    Path blob = Files.walk(dir).filter(p -> p.getFileName().toString().startsWith(ref.sha256()))
        .findFirst().orElseThrow();

    // when / then
    assertThatThrownBy(() -> TorchScriptLearner.load(blobs, ref.sha256(), other, ComputeDevice.CPU))
        .isInstanceOf(IOException.class).hasMessageContaining("was saved with config");
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 1;
    blob.toFile().setWritable(true);
    Files.write(blob, bytes);
    assertThatThrownBy(() -> TorchScriptLearner.load(blobs, ref.sha256(), ref.configJson(), ComputeDevice.CPU))
        .isInstanceOf(BlobIntegrityException.class);
  }

  /** The gradient of one sample's mean answer NLL w.r.t. the named parameter, by backward on a batch of one. */
  private static float[] autogradGradient(TorchScriptLearner learner, Example example, String name) {
    Parameter target = null;
    for (Pair<String, Parameter> p : learner.block().getParameters()) {
      if (p.getKey().equals(name)) {
        target = p.getValue();
      }
    }
    Parameter parameter = target;
    return GradientLock.locked(() -> {
      learner.block().freezeParameters(true);
      parameter.freeze(false);
      try (NDManager m = learner.block().getParameters().get(0).getValue().getArray().getManager()
          .newSubManager()) {
        TorchScriptLearner.Inputs in = learner.inputs(m, learner.layouts(List.of(example)), new boolean[1]);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray logits = learner.forward(in, true).get(0);
          gc.backward(Batch.answerNll(logits, in.targets(), in.weights(), in.invAnswerCount()).sum());
        }
        NDArray grad = parameter.getArray().getGradient();
        grad.attach(m);
        float[] values = grad.toFloatArray();
        grad.subi(grad);
        return values;
      } finally {
        for (Pair<String, Parameter> p : learner.block().getParameters()) {
          p.getValue().freeze(!learner.trainableParameters().contains(p.getKey()));
        }
      }
    });
  }

  private static float[] parameter(TorchScriptLearner learner, String name) {
    for (Pair<String, Parameter> p : learner.block().getParameters()) {
      if (p.getKey().equals(name)) {
        return p.getValue().getArray().toFloatArray();
      }
    }
    throw new AssertionError("no parameter " + name);
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}
