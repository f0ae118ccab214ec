package io.adaptstream.ingest;

/** A publish that could not complete; what was committed before stays, and publishing again resumes it. */
public class IngestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public IngestException(String message) {
    super(message);
  }

  public IngestException(String message, Throwable cause) {
    super(message, cause);
  }
}
