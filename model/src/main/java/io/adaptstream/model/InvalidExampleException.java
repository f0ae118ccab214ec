package io.adaptstream.model;

/**
 * An {@link Example} the model cannot use (an undecodable image, no answer turn), naming the example.
 *
 * <p>Services check each example with {@link VisionLanguageModel#validate(Example)} before batching it, so one
 * bad record goes to the dead-letter topic and the rest of the batch is processed.
 */
public class InvalidExampleException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;
  private final String exampleId;

  public InvalidExampleException(String exampleId, String reason) {
    this(exampleId, reason, null);
  }

  public InvalidExampleException(String exampleId, String reason, Throwable cause) {
    super("example " + exampleId + ": " + reason, cause);
    this.exampleId = exampleId;
  }

  public String exampleId() {
    return exampleId;
  }
}
