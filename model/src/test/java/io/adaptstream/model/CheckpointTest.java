package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.blob.BlobIntegrityException;
import io.adaptstream.blob.FileBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  private static final ModelConfig CONFIG = SyntheticSamples.tinyConfig();

  @TempDir
  Path dir;

  private VisionLanguageModel trainedModel(SyntheticSamples data) {
    VisionLanguageModel model = VisionLanguageModel.create(CONFIG, 3, ComputeDevice.CPU);
    new ModelTrainer().train(model, data.mixed(16), TrainOptions.defaults().withBatchSize(8));
    return model;
  }

  @Test
  void shouldRoundTripBitIdenticallyThroughTheBlobStore() throws IOException {
    // given
    SyntheticSamples data = new SyntheticSamples(4);
    FileBlobStore blobs = new FileBlobStore(dir);
    List<Example> probe = data.mixed(6);
    try (VisionLanguageModel model = trainedModel(data)) {
      float[] expected = model.logits(probe);
      List<SampleSignals> expectedSignals = new SampleScorer().score(model, probe);

      // when
      CheckpointRef ref = model.save(blobs);
      try (VisionLanguageModel loaded = VisionLanguageModel.load(blobs, ref.sha256(), ref.configJson(),
          ComputeDevice.CPU)) {

        // then
        assertThat(loaded.logits(probe)).containsExactly(expected);
        List<SampleSignals> signals = new SampleScorer().score(loaded, probe);
        for (int i = 0; i < probe.size(); i++) {
          assertThat(signals.get(i).sketch()).containsExactly(expectedSignals.get(i).sketch());
          assertThat(signals.get(i).perplexity()).isEqualTo(expectedSignals.get(i).perplexity());
        }
        assertThat(loaded.save(blobs).sha256()).isEqualTo(ref.sha256());
        assertThat(ref.uri()).isEqualTo(blobs.uri(ref.sha256()));
        assertThat(ModelConfig.fromJson(ref.configJson())).isEqualTo(CONFIG);
      }
    }
  }

  @Test
  void shouldKeepTrainingAfterLoading() throws IOException {
    // given
    SyntheticSamples data = new SyntheticSamples(5);
    FileBlobStore blobs = new FileBlobStore(dir);
    CheckpointRef ref;
    try (VisionLanguageModel model = trainedModel(data)) {
      ref = model.save(blobs);
    }

    // when
    try (VisionLanguageModel loaded = VisionLanguageModel.load(blobs, ref.sha256(), ref.configJson(),
        ComputeDevice.CPU)) {
      TrainReport report = new ModelTrainer().train(loaded, data.mixed(16),
          TrainOptions.defaults().withBatchSize(8).withEpochs(3));

      // then
      assertThat(report.epochLosses().get(2)).isLessThan(report.epochLosses().get(0));
      assertThat(loaded.save(blobs).sha256()).isNotEqualTo(ref.sha256());
    }
  }

  @Test
  void shouldRefuseACorruptedCheckpoint() throws IOException {
    // given
    FileBlobStore blobs = new FileBlobStore(dir);
    CheckpointRef ref;
    try (VisionLanguageModel model = VisionLanguageModel.create(CONFIG, 3, ComputeDevice.CPU)) {
      ref = model.save(blobs);
    }
    Path file = blobs.path(ref.sha256());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);

    // when / then
    assertThatThrownBy(() -> VisionLanguageModel.load(blobs, ref.sha256(), ref.configJson(), ComputeDevice.CPU))
        .isInstanceOf(BlobIntegrityException.class)
        .hasMessageContaining(ref.sha256());
  }

  @Test
  void shouldRefuseACheckpointLoadedWithAnotherConfig() throws IOException {
    // given
    FileBlobStore blobs = new FileBlobStore(dir);
    CheckpointRef ref;
    try (VisionLanguageModel model = VisionLanguageModel.create(CONFIG, 3, ComputeDevice.CPU)) {
      ref = model.save(blobs);
    }
    String other = CONFIG.withMaxTextTokens(64).toJson();

    // when / then
    assertThatThrownBy(() -> VisionLanguageModel.load(blobs, ref.sha256(), other, ComputeDevice.CPU))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("was saved with config");
  }

  @Test
  void shouldRefuseABlobThatIsNotACheckpoint() throws IOException {
    // given
    FileBlobStore blobs = new FileBlobStore(dir);
    String sha = blobs.put("just some image bytes".getBytes()).sha256();

    // when / then
    assertThatThrownBy(() -> VisionLanguageModel.load(blobs, sha, CONFIG.toJson(), ComputeDevice.CPU))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a model checkpoint");
  }
}
