package io.adaptstream.model;

import java.util.Objects;

/**
 * One turn of a conversation: the human's ({@code human = true}) or the model's answer (a "gpt" turn in LLaVA
 * terms). Only gpt turns are trained on.
 */
public record Turn(boolean human, String text) {

  public Turn {
    Objects.requireNonNull(text, "turn text");
  }

  public static Turn human(String text) {
    return new Turn(true, text);
  }

  public static Turn gpt(String text) {
    return new Turn(false, text);
  }
}
