package io.adaptstream.ingest;

/** A publish stopped because its job was closed; committed chunks stay and publishing again resumes. */
public class IngestCancelledException extends IngestException {

  private static final long serialVersionUID = 1L;

  public IngestCancelledException(String message) {
    super(message);
  }
}
