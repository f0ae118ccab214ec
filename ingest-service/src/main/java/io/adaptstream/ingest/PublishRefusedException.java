package io.adaptstream.ingest;

/**
 * A publish that must not happen as asked: a release name already used for different content or another role,
 * a second pretraining release, or an unreadable file. Retrying the same request fails the same way.
 */
public class PublishRefusedException extends IngestException {

  private static final long serialVersionUID = 1L;

  public PublishRefusedException(String message) {
    super(message);
  }

  public PublishRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
