package io.adaptstream.model;

import java.util.List;
import java.util.Objects;

/**
 * One training, scoring or test sample as the model sees it (services convert their records into these).
 *
 * <p>The sequence is {@code BOS}, then per turn: a human turn's text with {@code <image>} placeholders removed
 * and trimmed, then {@code SEP}; a gpt turn's text, then {@code EOS}. The loss covers only gpt tokens and their
 * {@code EOS}. The last gpt turn is the final answer (turns after it are ignored). A sequence longer than
 * {@link ModelConfig#maxTextTokens()} loses its earliest turns first, then the left of the remaining prompt;
 * the final answer is cut (on the right) only when it alone does not fit. Images beyond
 * {@link ModelConfig#maxImages()} are dropped; every image is placed in the prefix whatever the position of its
 * placeholder in the text. Each call into the model ({@code train}, {@code score}, {@code evaluate}) decodes and
 * resizes an example's images once and reuses the float pixels for every epoch and pass of that call.
 *
 * @param id the sample's identity (used in error messages)
 * @param turns the conversation; needs at least one gpt turn
 * @param images encoded PNG or JPEG images (any size), in order; may be empty
 * @param group what evaluation groups accuracy by (a skill or a release); may be null
 */
public record Example(String id, List<Turn> turns, List<byte[]> images, String group) {

  public Example {
    Objects.requireNonNull(id, "example id");
    Objects.requireNonNull(turns, "turns of example " + id);
    for (int i = 0; i < turns.size(); i++) {
      if (turns.get(i) == null) {
        throw new InvalidExampleException(id, "turn " + i + " is null");
      }
    }
    images = images == null ? List.of() : images;
    for (int i = 0; i < images.size(); i++) {
      if (images.get(i) == null) {
        throw new InvalidExampleException(id, "image " + i + " is null");
      }
    }
    turns = List.copyOf(turns);
    images = List.copyOf(images);
  }

  /** A one-exchange example: a question (with optional images) and its answer. */
  public static Example of(String id, String question, String answer, List<byte[]> images, String group) {
    return new Example(id, List.of(Turn.human(question), Turn.gpt(answer)), images, group);
  }
}
