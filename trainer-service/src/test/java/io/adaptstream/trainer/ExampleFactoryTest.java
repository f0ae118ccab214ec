package io.adaptstream.trainer;

import static io.adaptstream.trainer.TrainerFixtures.missingImage;
import static io.adaptstream.trainer.TrainerFixtures.png;
import static io.adaptstream.trainer.TrainerFixtures.sample;
import static io.adaptstream.trainer.TrainerFixtures.store;
import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.ImageRef;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Split;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.model.ComputeDevice;
import io.adaptstream.model.Example;
import io.adaptstream.model.Turn;
import io.adaptstream.model.BuiltinLearner;
import io.adaptstream.model.Learner;
import io.adaptstream.model.VisionLanguageModel;
import io.adaptstream.trainer.ExampleFactory.Conversion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleFactoryTest {

  @TempDir
  java.nio.file.Path dir;

  @Test
  void shouldConvertTurnsImagesAndIdOfASelectedSample() {
    // given a sample with an image in the blob store
    FileBlobStore blobs = new FileBlobStore(dir);
    byte[] image = png(0xE02020, 1);
    Sample sample = sample("r1", Split.TRAIN, "vqa.colour", "What colour?", "red", List.of(store(blobs, image)));

    // when
    Conversion c = new ExampleFactory(blobs).convert(sample);

    // then
    assertThat(c.ok()).isTrue();
    Example e = c.example();
    assertThat(e.id()).isEqualTo(sample.getId());
    assertThat(e.turns()).containsExactly(Turn.human("<image>\nWhat colour?"), Turn.gpt("red"));
    assertThat(e.images()).singleElement().satisfies(bytes -> assertThat(bytes).isEqualTo(image));
    assertThat(e.group()).isEqualTo("vqa.colour");
  }

  @Test
  void shouldGroupBySkillWhenPresentElseByRelease() {
    // given labelled, unlabelled and blank-labelled samples
    Sample labelled = sample("r2", Split.TEST, "ocr", "q", "a", List.of());
    Sample unlabelled = sample("r2", Split.TEST, null, "q", "a", List.of());
    Sample blank = sample("r3", Split.TEST, " ", "q", "a", List.of());

    // when / then
    assertThat(ExampleFactory.group(labelled)).isEqualTo("ocr");
    assertThat(ExampleFactory.group(unlabelled)).isEqualTo("r2");
    assertThat(ExampleFactory.group(blank)).isEqualTo("r3");
  }

  @Test
  void shouldSayWhyWhenAnImageIsMissing() {
    // given a sample whose image was never stored
    FileBlobStore blobs = new FileBlobStore(dir);
    ImageRef gone = missingImage(png(0x20C020, 2));
    Sample sample = sample("r1", Split.TRAIN, null, "q", "a", List.of(gone));

    // when
    Conversion c = new ExampleFactory(blobs).convert(sample);

    // then
    assertThat(c.ok()).isFalse();
    assertThat(c.reason()).isEqualTo("missing_image");
    assertThat(c.detail()).contains(gone.getSha256()).contains(sample.getId());
  }

  @Test
  void shouldSayWhyWhenAnImageIsCorrupt() throws Exception {
    // given a stored image whose file was changed afterwards
    FileBlobStore blobs = new FileBlobStore(dir);
    ImageRef ref = store(blobs, png(0x2040E0, 3));
    Files.write(blobs.path(ref.getSha256()), png(0xE0E020, 4));
    Sample sample = sample("r1", Split.TRAIN, null, "q", "a", List.of(ref));

    // when
    Conversion c = new ExampleFactory(blobs).convert(sample);

    // then
    assertThat(c.ok()).isFalse();
    assertThat(c.reason()).isEqualTo("corrupt_image");
  }

  @Test
  void shouldSayWhyWhenTheModelCannotUseAStoredImage() {
    // given a sample whose stored "image" is not an image at all
    FileBlobStore blobs = new FileBlobStore(dir);
    ImageRef notAnImage = store(blobs, "plain text, not a PNG".getBytes(StandardCharsets.UTF_8));
    Sample sample = sample("r1", Split.TRAIN, null, "q", "a", List.of(notAnImage));
    ExampleFactory factory = new ExampleFactory(blobs);

    try (Learner model = new BuiltinLearner(VisionLanguageModel.create(TrainerFixtures.TINY, 1, ComputeDevice.CPU))) {
      // when
      Conversion plain = factory.convert(sample);
      Conversion forModel = factory.convert(sample, model);

      // then the bytes convert, but the model refuses them
      assertThat(plain.ok()).isTrue();
      assertThat(forModel.ok()).isFalse();
      assertThat(forModel.reason()).isEqualTo("invalid_example");
      assertThat(forModel.detail()).contains(sample.getId());
    }
  }
}
