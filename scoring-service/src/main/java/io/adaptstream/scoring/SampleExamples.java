package io.adaptstream.scoring;

import io.adaptstream.avro.ImageRef;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Speaker;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.model.Example;
import io.adaptstream.model.Turn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a pool {@link Sample} into the model's {@link Example}: the conversation's turns as they are, the images
 * fetched from the blob store by their sha256 (which the store verifies).
 *
 * <p>Only the first {@code maxImages} images are fetched: the model drops the rest, so reading them would cost
 * I/O and could dead-letter a sample over an image that takes no part in its scores.
 */
final class SampleExamples {

  private SampleExamples() {}

  /** The example for {@code sample}; a missing, corrupt or unreadable image is an {@link UnscorableException}. */
  static Example of(Sample sample, BlobStore blobs, int maxImages) throws UnscorableException {
    String id = sample.getId();
    List<Turn> turns = new ArrayList<>(sample.getConversations().size());
    for (io.adaptstream.avro.Turn t : sample.getConversations()) {
      String text = t.getValue();
      turns.add(t.getFrom() == Speaker.HUMAN ? Turn.human(text) : Turn.gpt(text));
    }
    List<ImageRef> refs = sample.getImages();
    List<byte[]> images = new ArrayList<>(Math.min(refs.size(), maxImages));
    for (int i = 0; i < Math.min(refs.size(), maxImages); i++) {
      String sha256 = refs.get(i).getSha256();
      try {
        images.add(blobs.get(sha256));
      } catch (IOException | RuntimeException e) {
        DeadLetterReason reason = DeadLetterReason.of(e);
        throw new UnscorableException(reason, "sample " + id + ", image " + i + " (" + sha256 + "): "
            + describe(reason, e), e);
      }
    }
    String group = sample.getSkill() != null ? sample.getSkill() : sample.getRelease();
    try {
      return new Example(id, turns, images, group);
    } catch (RuntimeException e) {
      throw new UnscorableException(DeadLetterReason.INVALID_SAMPLE, "sample " + id + ": " + e.getMessage(), e);
    }
  }

  private static String describe(DeadLetterReason reason, Exception e) {
    return switch (reason) {
      case MISSING_BLOB -> "not in the blob store";
      case CORRUPT_BLOB -> "bytes do not match the hash (" + e.getMessage() + ")";
      default -> e.getMessage();
    };
  }
}
