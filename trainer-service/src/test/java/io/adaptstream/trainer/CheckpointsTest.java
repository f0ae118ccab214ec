package io.adaptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.blob.Sha256;
import io.adaptstream.model.CheckpointRef;
import io.adaptstream.model.ComputeDevice;
import io.adaptstream.model.ModelConfig;
import io.adaptstream.model.BuiltinLearner;
import io.adaptstream.model.Learner;
import io.adaptstream.model.LearnerConfig;
import io.adaptstream.model.VisionLanguageModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

  @TempDir
  Path dir;

  @Test
  void shouldRoundTripAModelThroughACheckpointDirectoryWithItsIdentity() throws IOException {
    // given a model written as a checkpoint directory from one blob store
    FileBlobStore source = new FileBlobStore(dir.resolve("source-blobs"));
    Path ckpt = dir.resolve("ckpt");
    CheckpointRef written;
    try (Learner model = new BuiltinLearner(VisionLanguageModel.create(TrainerFixtures.TINY, 11, ComputeDevice.CPU))) {
      written = Checkpoints.write(model, source, ckpt);
    }

    // when it is loaded into another deployment's blob store
    FileBlobStore target = new FileBlobStore(dir.resolve("target-blobs"));
    CheckpointRef imported = Checkpoints.importInto(ckpt, target);
    try (Learner loaded = Checkpoints.load(ckpt.resolve(Checkpoints.PARAMS_FILE), LearnerConfig.builtin(),
        target, ComputeDevice.CPU)) {

      // then the files are the blob, its config and its hash, and the model keeps its sha256 everywhere
      assertThat(Files.readAllBytes(ckpt.resolve(Checkpoints.PARAMS_FILE))).isEqualTo(source.get(written.sha256()));
      assertThat(ModelConfig.fromJson(Files.readString(ckpt.resolve(Checkpoints.CONFIG_FILE))))
          .isEqualTo(TrainerFixtures.TINY);
      assertThat(Files.readString(ckpt.resolve(Checkpoints.SHA256_FILE)))
          .isEqualTo(written.sha256() + "  model.params\n");
      assertThat(imported.sha256()).isEqualTo(written.sha256());
      assertThat(imported.configJson()).isEqualTo(written.configJson());
      assertThat(target.contains(written.sha256())).isTrue();
      assertThat(ModelConfig.fromJson(loaded.configJson())).isEqualTo(TrainerFixtures.TINY);
      assertThat(loaded.save(target).sha256()).isEqualTo(written.sha256());
    }
  }

  @Test
  void shouldExportAPublishedBlobSoThatSha256sumChecksIt() throws IOException {
    // given a checkpoint blob
    FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
    CheckpointRef ref;
    try (Learner model = new BuiltinLearner(VisionLanguageModel.create(TrainerFixtures.TINY, 12, ComputeDevice.CPU))) {
      ref = model.save(blobs);
    }

    // when
    Path out = Checkpoints.export(blobs, ref.sha256(), ref.configJson(), dir.resolve("export"));

    // then the params file hashes to the line in the sha256 file
    String line = Files.readString(out.resolve(Checkpoints.SHA256_FILE), StandardCharsets.US_ASCII);
    assertThat(line.split(" {2}")[0]).isEqualTo(Sha256.hex(Files.readAllBytes(out.resolve(Checkpoints.PARAMS_FILE))));
  }

  @Test
  void shouldRefuseACheckpointWhoseParamsDoNotMatchItsSha256File() throws IOException {
    // given a checkpoint whose params were replaced by another model's
    FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
    Path ckpt = dir.resolve("ckpt");
    Path other = dir.resolve("other");
    try (Learner a = new BuiltinLearner(VisionLanguageModel.create(TrainerFixtures.TINY, 1, ComputeDevice.CPU));
        Learner b = new BuiltinLearner(VisionLanguageModel.create(TrainerFixtures.TINY, 2, ComputeDevice.CPU))) {
      Checkpoints.write(a, blobs, ckpt);
      Checkpoints.write(b, blobs, other);
    }
    Files.copy(other.resolve(Checkpoints.PARAMS_FILE), ckpt.resolve(Checkpoints.PARAMS_FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    // when / then
    assertThatThrownBy(() -> Checkpoints.importInto(ckpt, new FileBlobStore(dir.resolve("fresh"))))
        .isInstanceOf(IOException.class).hasMessageContaining("is corrupt");
  }

  @Test
  void shouldRefuseACheckpointWithoutItsConfigOrWithAnotherConfig() throws IOException {
    // given a checkpoint directory
    FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
    Path ckpt = dir.resolve("ckpt");
    try (Learner model = new BuiltinLearner(VisionLanguageModel.create(TrainerFixtures.TINY, 3, ComputeDevice.CPU))) {
      Checkpoints.write(model, blobs, ckpt);
    }

    // when the config says another architecture, then loading refuses it
    Files.writeString(ckpt.resolve(Checkpoints.CONFIG_FILE), TrainerFixtures.TINY.withMaxTextTokens(60).toJson());
    assertThatThrownBy(() -> Checkpoints.load(ckpt, LearnerConfig.builtin(), blobs, ComputeDevice.CPU))
        .isInstanceOf(IOException.class).hasMessageContaining("was saved with config");

    // and when the config is gone, then importing refuses it
    Files.delete(ckpt.resolve(Checkpoints.CONFIG_FILE));
    assertThatThrownBy(() -> Checkpoints.importInto(ckpt, blobs))
        .isInstanceOf(IOException.class).hasMessageContaining("model-config.json");
  }
}
