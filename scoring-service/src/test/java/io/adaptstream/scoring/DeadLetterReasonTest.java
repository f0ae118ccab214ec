package io.adaptstream.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.blob.BlobIntegrityException;
import io.adaptstream.model.InvalidExampleException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class DeadLetterReasonTest {

  @Test
  void shouldMapEachFailureToItsReasonCode() {
    assertThat(DeadLetterReason.of(new SerializationException("bad bytes")).code()).isEqualTo("undeserialisable");
    assertThat(DeadLetterReason.of(new NoSuchFileException("x")).code()).isEqualTo("missing_blob");
    assertThat(DeadLetterReason.of(new BlobIntegrityException("hash")).code()).isEqualTo("corrupt_blob");
    assertThat(DeadLetterReason.of(new AccessDeniedException("x")).code()).isEqualTo("unreadable_blob");
    assertThat(DeadLetterReason.of(new InvalidExampleException("s", "image 0: not a PNG", new IOException("x")))
        .code()).isEqualTo("undecodable_image");
    assertThat(DeadLetterReason.of(new InvalidExampleException("s", "has no gpt turn")).code())
        .isEqualTo("invalid_sample");
    assertThat(DeadLetterReason.of(new IllegalArgumentException("not a sha256 key")).code())
        .isEqualTo("invalid_sample");
    assertThat(DeadLetterReason.of(new IllegalStateException("engine")).code()).isEqualTo("scoring_failed");
    assertThat(DeadLetterReason.of(new UnscorableException(DeadLetterReason.UNKNOWN_MODEL, "m@1")).code())
        .isEqualTo("unknown_model");
  }

  @Test
  void shouldUseShortLowercaseCodes() {
    assertThat(Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::code))
        .allMatch(code -> code.matches("[a-z_]{1,32}"))
        .doesNotHaveDuplicates()
        .contains("missing_blob", "corrupt_blob", "invalid_sample", "undeserialisable", "unknown_model");
  }
}
