package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.blob.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TorchScript learner with a Hugging Face tokenizer.json ({@code model.tokenizer}): the fixture module
 * (vocabulary 260) with the fixture tokenizer (src/test/fixtures/make_tiny_tokenizer.py, 260 ids).
 */
class TorchScriptTokenizerTest {

  @TempDir
  Path dir;

  private static TrainOptions steps(int steps) {
    return TrainOptions.defaults().withSteps(steps).withBatchSize(8).withLearningRate(3e-3f);
  }

  private static TorchScriptLearner open(Path tokenizer) throws IOException {
    return TorchScriptLearner.open(LearnerConfig.torchScript(TorchScriptLearnerTest.fixture(),
        LearnerConfig.ALL_PARAMETERS, tokenizer), ComputeDevice.CPU);
  }

  @Test
  void shouldRecordTheTokenizersHashAndUseItsIdsWhenOpenedWithATokenizerJson() throws IOException {
    // given
    byte[] bytes = Files.readAllBytes(HfTokenizerTest.fixture());

    // when
    try (TorchScriptLearner learner = open(HfTokenizerTest.fixture())) {

      // then
      assertThat(learner.config().tokenizer()).isEqualTo(HfTokenizer.KIND);
      assertThat(learner.config().tokenizerSha256()).isEqualTo(Sha256.hex(bytes));
      assertThat(learner.configJson()).contains(Sha256.hex(bytes));
      assertThat(TorchScriptConfig.fromJson(learner.configJson())).isEqualTo(learner.config());
      ExampleLayout layout = learner.layouts(List.of(Example.of("e", "Where is the square?", "on the left", List.of(),
          "g"))).get(0);
      assertThat(layout.tokens).contains(HfTokenizerTest.THE_WITH_SPACE);
      assertThat(layout.tokens.length).isLessThan(2 + "Where is the square?on the left".length() + 1);
    }
  }

  @Test
  void shouldLowerTheLossWhenTrainingAFewStepsWithTheTokenizer() throws IOException {
    // given
    List<Example> train = new SyntheticSamples(11).mixed(24);
    try (TorchScriptLearner learner = open(HfTokenizerTest.fixture())) {
      List<Float> batchLosses = new ArrayList<>();

      // when
      TrainReport report = learner.train(train, steps(30), (step, total, perEpoch, loss) -> batchLosses.add(loss));

      // then
      assertThat(batchLosses).hasSize(30);
      assertThat(report.epochLosses().get(report.epochLosses().size() - 1))
          .isLessThan(0.5f * report.epochLosses().get(0));
      assertThat(batchLosses.get(29)).isLessThan(batchLosses.get(0));
    }
  }

  @Test
  void shouldAnswerThroughTheTokenizersDecodingWhenEvaluating() throws IOException {
    // given
    List<Example> text = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      text.add(Example.of("echo-" + i, "Say the answer.", "the answer", List.of(), "echo"));
    }
    try (TorchScriptLearner learner = open(HfTokenizerTest.fixture())) {
      learner.train(text, steps(40), null);

      // when
      EvalReport report = learner.evaluate(List.of(text.get(0)), 4, Evaluator.DEFAULT_ANSWER_MARGIN);

      // then
      assertThat(report.accuracy().get("echo")).isEqualTo(1.0);
    }
  }

  @Test
  void shouldRefuseAModuleWhoseVocabularyDiffersFromTheTokenizers() throws IOException {
    // given: five special tokens make 261 ids, the module has 260
    Path tokenizer = dir.resolve("tokenizer.json");
    Files.write(tokenizer, HfTokenizerTest.withSpecials("<|bos|>", "<|eos|>", "<|pad|>", "<|sep|>", "<|img|>"));

    // when / then
    assertThatThrownBy(() -> open(tokenizer)).isInstanceOf(IOException.class)
        .hasMessageContaining("vocab_size 260").hasMessageContaining("261")
        .hasMessageContaining(LearnerConfig.TOKENIZER);
  }

  @Test
  void shouldLoadACheckpointWithItsTokenizerWhenOnlyTheCheckpointBlobReachesAnotherHost() throws IOException {
    // given: a learner saved on one host, whose tokenizer file is then removed
    Path tokenizer = dir.resolve("host-a").resolve("tokenizer.json");
    Files.createDirectories(tokenizer.getParent());
    Files.copy(HfTokenizerTest.fixture(), tokenizer);
    FileBlobStore storeA = new FileBlobStore(dir.resolve("store-a"));
    SyntheticSamples data = new SyntheticSamples(12);
    List<Example> probe = data.varied(4);
    CheckpointRef ref;
    float[] gradients;
    int[] encoded;
    try (TorchScriptLearner learner = open(tokenizer)) {
      learner.train(data.mixed(16), steps(3), null);
      gradients = learner.outputGradients(probe);
      encoded = learner.tokenizer().encode("the plain in Spain");
      ref = learner.save(storeA);
    }
    Files.delete(tokenizer);
    FileBlobStore storeB = new FileBlobStore(dir.resolve("store-b"));
    storeB.put(storeA.get(ref.sha256()));

    // when
    try (TorchScriptLearner loaded = TorchScriptLearner.load(storeB, ref.sha256(), ref.configJson(),
        ComputeDevice.CPU)) {

      // then
      assertThat(loaded.tokenizer()).isInstanceOf(HfTokenizer.class);
      assertThat(((HfTokenizer) loaded.tokenizer()).json()).isEqualTo(Files.readAllBytes(HfTokenizerTest.fixture()));
      assertThat(loaded.tokenizer().encode("the plain in Spain")).containsExactly(encoded);
      assertThat(loaded.outputGradients(probe)).containsExactly(gradients);
      assertThat(loaded.save(storeB).sha256()).isEqualTo(ref.sha256());
    }
  }

  @Test
  void shouldRefuseACheckpointLoadedAsIfItHadAnotherTokenizer() throws IOException {
    // given
    FileBlobStore blobs = new FileBlobStore(dir.resolve("store"));
    CheckpointRef ref;
    try (TorchScriptLearner learner = open(HfTokenizerTest.fixture())) {
      ref = learner.save(blobs);
    }
    TorchScriptConfig saved = TorchScriptConfig.fromJson(ref.configJson());
    String other = new TorchScriptConfig(saved.kind(), saved.imageSize(), saved.maxImages(), saved.maxTextTokens(),
        saved.vocabSize(), saved.trainable(), saved.tokenizer(), Sha256.hex(new byte[] {1}), saved.sketchDim(),
        saved.projectionSeed()).toJson();

    // when / then
    assertThatThrownBy(() -> TorchScriptLearner.load(blobs, ref.sha256(), other, ComputeDevice.CPU))
        .isInstanceOf(IOException.class).hasMessageContaining("was saved with config");
  }

  @Test
  void shouldReadAConfigWithoutATokenizerHashAsTheByteTokenizerAndWriteByteConfigsWithoutOne() throws IOException {
    // given: a config as checkpoints recorded it before tokenizers could be chosen
    String old = "{\"kind\":\"torchscript\",\"imageSize\":32,\"maxImages\":3,\"maxTextTokens\":128,\"vocabSize\":260,"
        + "\"trainable\":\".*\",\"tokenizer\":\"byte\",\"sketchDim\":256,\"projectionSeed\":42}";

    // when
    TorchScriptConfig config = TorchScriptConfig.fromJson(old);

    // then
    assertThat(config.tokenizer()).isEqualTo(LearnerConfig.BYTE_TOKENIZER);
    assertThat(config.tokenizerSha256()).isNull();
    assertThat(config.toJson()).isEqualTo(old);
    try (TorchScriptLearner learner = TorchScriptLearnerTest.openFixture(LearnerConfig.ALL_PARAMETERS)) {
      assertThat(learner.configJson()).doesNotContain("tokenizerSha256");
      assertThat(learner.tokenizer()).isSameAs(TextTokenizer.BYTES);
    }
  }

  @Test
  void shouldRefuseATokenizerJsonConfigWithoutAValidHash() {
    assertThatThrownBy(() -> new TorchScriptConfig("torchscript", 32, 3, 128, 260, ".*", HfTokenizer.KIND, null,
        256, 42)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sha256");
    assertThatThrownBy(() -> new TorchScriptConfig("torchscript", 32, 3, 128, 260, ".*", "sentencepiece", null,
        256, 42)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenizer must be");
  }
}
