package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.pytorch.jni.JniUtils;
import io.adaptstream.blob.FileBlobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deterministic mode. The PyTorch thread count is fixed when the engine starts, so this module's surefire
 * configuration makes the whole test JVM deterministic ({@code adapt.deterministic=true}); {@code init(true)}
 * then confirms the mode, and starts the engine in it when this class runs on its own.
 */
class DeterminismTest {

  @TempDir
  Path dir;

  @BeforeAll
  static void startDeterministically() {
    DjlRuntime.init(true);
  }

  private record Run(String checkpoint, float[] logits, List<SampleSignals> signals) {}

  private Run trainAndScore(FileBlobStore blobs) throws IOException {
    SyntheticSamples data = new SyntheticSamples(8);
    List<Example> training = data.mixed(40);
    List<Example> probe = data.mixed(6);
    try (VisionLanguageModel model = VisionLanguageModel.create(SyntheticSamples.tinyConfig(), 13,
        ComputeDevice.CPU)) {
      new ModelTrainer().train(model, training, new TrainOptions(2, 8, 2e-3f, 17, 0.3f));
      return new Run(model.save(blobs).sha256(), model.logits(probe), new SampleScorer(4).score(model, probe));
    }
  }

  @Test
  void shouldTrainAndScoreBitIdenticallyWithTheSameSeeds() throws IOException {
    // given
    FileBlobStore blobs = new FileBlobStore(dir);
    assertThat(DjlRuntime.isDeterministic()).isTrue();
    assertThat(JniUtils.getNumThreads()).isEqualTo(1);

    // when
    Run first = trainAndScore(blobs);
    Run second = trainAndScore(blobs);

    // then: identical parameters (same checkpoint hash), logits and signals
    assertThat(second.checkpoint()).isEqualTo(first.checkpoint());
    assertThat(second.logits()).containsExactly(first.logits());
    for (int i = 0; i < first.signals().size(); i++) {
      SampleSignals a = first.signals().get(i);
      SampleSignals b = second.signals().get(i);
      assertThat(b.sketch()).containsExactly(a.sketch());
      assertThat(b.embedding()).containsExactly(a.embedding());
      assertThat(b.perplexity()).isEqualTo(a.perplexity());
      assertThat(b.grounding()).isEqualTo(a.grounding());
      assertThat(b.grand()).isEqualTo(a.grand());
    }
  }

  @Test
  void shouldCreateTheSameInitialWeightsFromTheSameSeed() throws IOException {
    // given
    FileBlobStore blobs = new FileBlobStore(dir);

    // when
    String a;
    String b;
    String c;
    try (VisionLanguageModel m1 = VisionLanguageModel.create(SyntheticSamples.tinyConfig(), 1, ComputeDevice.CPU);
        VisionLanguageModel m2 = VisionLanguageModel.create(SyntheticSamples.tinyConfig(), 1, ComputeDevice.CPU);
        VisionLanguageModel m3 = VisionLanguageModel.create(SyntheticSamples.tinyConfig(), 2, ComputeDevice.CPU)) {
      a = m1.save(blobs).sha256();
      b = m2.save(blobs).sha256();
      c = m3.save(blobs).sha256();
    }

    // then
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }
}
