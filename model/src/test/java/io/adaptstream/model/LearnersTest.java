package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.blob.FileBlobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnersTest {

  private static final ModelConfig CONFIG = SyntheticSamples.tinyConfig();

  @TempDir
  Path dir;

  @Test
  void shouldLoadEachKindOfCheckpointIntoALearnerOfThatKind() throws IOException {
    // given
    FileBlobStore blobs = new FileBlobStore(dir);
    LearnerConfig torchScript = LearnerConfig.torchScript(TorchScriptLearnerTest.fixture(), ".*");
    CheckpointRef builtinRef;
    CheckpointRef scriptRef;
    try (Learner builtin = Learners.create(LearnerConfig.builtin(), CONFIG, 1, ComputeDevice.CPU);
        Learner script = Learners.create(torchScript, CONFIG, 1, ComputeDevice.CPU)) {
      builtinRef = builtin.save(blobs);
      scriptRef = script.save(blobs);
    }

    // when
    try (Learner builtin = Learners.load(LearnerConfig.builtin(), blobs, builtinRef.sha256(),
        builtinRef.configJson(), ComputeDevice.CPU);
        Learner script = Learners.load(torchScript, blobs, scriptRef.sha256(), scriptRef.configJson(),
            ComputeDevice.CPU)) {

      // then
      assertThat(builtin).isInstanceOf(BuiltinLearner.class);
      assertThat(builtin.kind()).isEqualTo("builtin");
      assertThat(builtin.configJson()).isEqualTo(CONFIG.toJson());
      assertThat(script).isInstanceOf(TorchScriptLearner.class);
      assertThat(script.kind()).isEqualTo("torchscript");
      assertThat(Learners.kindOf(builtinRef.configJson())).isEqualTo(LearnerConfig.Kind.BUILTIN);
      assertThat(Learners.kindOf(scriptRef.configJson())).isEqualTo(LearnerConfig.Kind.TORCHSCRIPT);
    }
  }

  @Test
  void shouldRefuseACheckpointOfAnotherKindWithAClearError() throws IOException {
    // given
    FileBlobStore blobs = new FileBlobStore(dir);
    LearnerConfig torchScript = LearnerConfig.torchScript(TorchScriptLearnerTest.fixture(), ".*");
    CheckpointRef builtinRef;
    CheckpointRef scriptRef;
    try (Learner builtin = Learners.create(LearnerConfig.builtin(), CONFIG, 1, ComputeDevice.CPU);
        Learner script = Learners.create(torchScript, CONFIG, 1, ComputeDevice.CPU)) {
      builtinRef = builtin.save(blobs);
      scriptRef = script.save(blobs);
    }

    // when / then
    assertThatThrownBy(() -> Learners.load(torchScript, blobs, builtinRef.sha256(), builtinRef.configJson(),
        ComputeDevice.CPU)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("belongs to a builtin model").hasMessageContaining("model.kind=torchscript");
    assertThatThrownBy(() -> Learners.load(LearnerConfig.builtin(), blobs, scriptRef.sha256(),
        scriptRef.configJson(), ComputeDevice.CPU)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("belongs to a torchscript model").hasMessageContaining("model.kind=builtin");
  }

  @Test
  void shouldTrainAndScoreTheBuiltinModelExactlyAsItsOwnTrainerAndScorerDo() throws IOException {
    // given: two identical models, one used directly, one through the learner boundary
    SyntheticSamples data = new SyntheticSamples(11);
    List<Example> train = data.mixed(12);
    List<Example> probe = data.varied(5);
    TrainOptions options = TrainOptions.defaults().withBatchSize(4).withSteps(3);
    try (VisionLanguageModel direct = VisionLanguageModel.create(CONFIG, 5, ComputeDevice.CPU);
        Learner learner = Learners.create(LearnerConfig.builtin(), CONFIG, 5, ComputeDevice.CPU)) {

      // when
      TrainReport expectedReport = new ModelTrainer().train(direct, train, options);
      TrainReport report = learner.train(train, options, null);
      List<SampleSignals> expected = new SampleScorer(4).score(direct, probe);
      List<SampleSignals> signals = learner.signals(probe, 4);

      // then
      assertThat(report.epochLosses()).isEqualTo(expectedReport.epochLosses());
      assertThat(((BuiltinLearner) learner).model().logits(probe)).containsExactly(direct.logits(probe));
      for (int i = 0; i < probe.size(); i++) {
        assertThat(signals.get(i).sketch()).containsExactly(expected.get(i).sketch());
        assertThat(signals.get(i).perplexity()).isEqualTo(expected.get(i).perplexity());
        assertThat(signals.get(i).el2n()).isEqualTo(expected.get(i).el2n());
        assertThat(signals.get(i).grounding()).isEqualTo(expected.get(i).grounding());
      }
      assertThat(learner.evaluate(probe, 4, Evaluator.DEFAULT_ANSWER_MARGIN).itemScores())
          .isEqualTo(new Evaluator(4, Evaluator.DEFAULT_ANSWER_MARGIN).evaluate(direct, probe).itemScores());
    }
  }
}
