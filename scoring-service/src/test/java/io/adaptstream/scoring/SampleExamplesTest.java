package io.adaptstream.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.avro.ImageRef;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Speaker;
import io.adaptstream.avro.Turn;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.blob.Sha256;
import io.adaptstream.model.Example;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleExamplesTest {

  @TempDir Path dir;

  @Test
  void shouldKeepTheConversationTurnsInOrderWithTheirSpeakers() throws Exception {
    // given a two-exchange conversation
    FileBlobStore blobs = new FileBlobStore(dir);
    Sample sample = Fixtures.sample("s1", "<image>\nwhat colour?", "red.", List.of());
    sample.getConversations().add(Turn.newBuilder().setFrom(Speaker.HUMAN).setValue("and the shape?").build());
    sample.getConversations().add(Turn.newBuilder().setFrom(Speaker.GPT).setValue("a square.").build());

    // when it is converted
    Example example = SampleExamples.of(sample, blobs, 3);

    // then the turns are the sample's, human and gpt alternating
    assertThat(example.id()).isEqualTo("s1");
    assertThat(example.turns()).containsExactly(
        io.adaptstream.model.Turn.human("<image>\nwhat colour?"), io.adaptstream.model.Turn.gpt("red."),
        io.adaptstream.model.Turn.human("and the shape?"), io.adaptstream.model.Turn.gpt("a square."));
    assertThat(example.group()).isEqualTo("colour");
  }

  @Test
  void shouldFetchTheImagesFromTheBlobStoreInOrderUpToTheModelsSlots() throws Exception {
    // given a sample with three stored images and a model with two image slots
    FileBlobStore blobs = new FileBlobStore(dir);
    byte[] a = Fixtures.png(1);
    byte[] b = Fixtures.png(2);
    byte[] c = Fixtures.png(3);
    Sample sample = Fixtures.sample("s2", "<image><image><image> compare", "same.",
        List.of(Fixtures.stored(blobs, a), Fixtures.stored(blobs, b), Fixtures.stored(blobs, c)));

    // when it is converted
    Example example = SampleExamples.of(sample, blobs, 2);

    // then the first two images are there, byte for byte
    assertThat(example.images()).hasSize(2);
    assertThat(example.images().get(0)).isEqualTo(a);
    assertThat(example.images().get(1)).isEqualTo(b);
  }

  @Test
  void shouldConvertATextOnlySampleWithoutImages() throws Exception {
    // given a sample without images
    Sample sample = Fixtures.sample("s3", "two plus two?", "four.", List.of());

    // when it is converted
    Example example = SampleExamples.of(sample, new FileBlobStore(dir), 3);

    // then the example has no images and the text turns
    assertThat(example.images()).isEmpty();
    assertThat(example.turns()).hasSize(2);
  }

  @Test
  void shouldNameAMissingImageBlob() {
    // given a sample whose image was never stored
    FileBlobStore blobs = new FileBlobStore(dir);
    String sha = sha256("never stored");
    Sample sample = Fixtures.sample("s4", "<image> what?", "x.", List.of(Fixtures.ref(sha, "file:///nowhere")));

    // when / then
    assertThatThrownBy(() -> SampleExamples.of(sample, blobs, 3))
        .isInstanceOfSatisfying(UnscorableException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.MISSING_BLOB))
        .hasMessageContaining("s4").hasMessageContaining(sha);
  }

  @Test
  void shouldNameACorruptImageBlob() throws IOException {
    // given a stored image whose file was overwritten afterwards
    FileBlobStore blobs = new FileBlobStore(dir);
    ImageRef ref = Fixtures.stored(blobs, Fixtures.png(4));
    Files.write(blobs.path(ref.getSha256()), "tampered".getBytes(StandardCharsets.UTF_8));
    Sample sample = Fixtures.sample("s5", "<image> what?", "x.", List.of(ref));

    // when / then
    assertThatThrownBy(() -> SampleExamples.of(sample, blobs, 3))
        .isInstanceOfSatisfying(UnscorableException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.CORRUPT_BLOB));
  }

  @Test
  void shouldRefuseAMalformedImageHashAsAnInvalidSample() {
    // given an image reference that is not a sha256
    Sample sample = Fixtures.sample("s6", "<image> what?", "x.", List.of(Fixtures.ref("../../etc/passwd", "x")));

    // when / then
    assertThatThrownBy(() -> SampleExamples.of(sample, new FileBlobStore(dir), 3))
        .isInstanceOfSatisfying(UnscorableException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.INVALID_SAMPLE));
  }

  private static String sha256(String text) {
    return HexFormat.of().formatHex(Sha256.newDigest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
