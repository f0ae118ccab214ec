package io.adaptstream.trainer;

import io.adaptstream.avro.ImageRef;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Speaker;
import io.adaptstream.blob.BlobIntegrityException;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.model.Example;
import io.adaptstream.model.InvalidExampleException;
import io.adaptstream.model.Learner;
import io.adaptstream.model.Turn;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns pipeline {@link Sample}s into the model's {@link Example}s: conversation turns as they are, images read
 * from the blob store (every read verifies the sha256 the sample carries), and the evaluation group.
 *
 * <p>A sample whose image is gone or corrupt is not an error of the trainer: the conversion says why, and the
 * caller dead-letters the sample and goes on without it. Public so that fits made outside the pipeline with
 * {@link VersionMaker} (the command line's) convert and group samples exactly as the trainer does.
 */
public final class ExampleFactory {

  /**
   * The result of one conversion: an example, or the reason there is none.
   *
   * @param example the example; null when the sample cannot be used
   * @param reason a short machine-readable code (e.g. {@code missing_image}, {@code invalid_example}); null when ok
   * @param detail what went wrong, for logs and dead letters; null when ok
   */
  public record Conversion(Example example, String reason, String detail) {

    public boolean ok() {
      return example != null;
    }

    static Conversion of(Example example) {
      return new Conversion(Objects.requireNonNull(example), null, null);
    }

    static Conversion failed(String reason, String detail) {
      return new Conversion(null, reason, detail);
    }
  }

  private final BlobStore blobs;

  public ExampleFactory(BlobStore blobs) {
    this.blobs = Objects.requireNonNull(blobs, "blobs");
  }

  /** The sample as an example that {@code model} can use (see {@link Learner#validate}), or why not. */
  public Conversion convert(Sample sample, Learner model) {
    Conversion c = convert(sample);
    if (!c.ok()) {
      return c;
    }
    try {
      model.validate(c.example());
      return c;
    } catch (InvalidExampleException e) {
      return Conversion.failed("invalid_example", e.getMessage());
    }
  }

  /** The sample as an example, or why not (images missing or corrupt, no usable turns). */
  public Conversion convert(Sample sample) {
    List<Turn> turns = new ArrayList<>(sample.getConversations().size());
    for (io.adaptstream.avro.Turn t : sample.getConversations()) {
      turns.add(new Turn(t.getFrom() == Speaker.HUMAN, t.getValue()));
    }
    List<byte[]> images = new ArrayList<>(sample.getImages().size());
    for (ImageRef ref : sample.getImages()) {
      try {
        images.add(blobs.get(ref.getSha256()));
      } catch (NoSuchFileException e) {
        return Conversion.failed("missing_image", "image " + ref.getSha256() + " of sample " + sample.getId()
            + " is not in the blob store (" + ref.getUri() + ")");
      } catch (BlobIntegrityException e) {
        return Conversion.failed("corrupt_image", "image of sample " + sample.getId() + ": " + e.getMessage());
      } catch (IOException | IllegalArgumentException e) {
        return Conversion.failed("unreadable_image", "image " + ref.getSha256() + " of sample " + sample.getId()
            + ": " + e);
      }
    }
    try {
      return Conversion.of(new Example(sample.getId(), turns, images, group(sample)));
    } catch (InvalidExampleException e) {
      return Conversion.failed("invalid_example", e.getMessage());
    }
  }

  /**
   * What evaluation groups a sample's accuracy under: its skill label when it has one, else its release, so a
   * dataset without labels is still reported per release.
   */
  public static String group(Sample sample) {
    String skill = sample.getSkill();
    return skill != null && !skill.isBlank() ? skill : sample.getRelease();
  }
}
