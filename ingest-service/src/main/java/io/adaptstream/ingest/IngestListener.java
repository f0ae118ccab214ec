package io.adaptstream.ingest;

/**
 * Progress callbacks of a publish, so a command line can draw a progress bar and a service can log.
 *
 * <p>Called on the publishing thread; implementations must be quick.
 */
public interface IngestListener {

  /** Does nothing. */
  IngestListener NONE = new IngestListener() {};

  /** Publishing of {@code release} begins; the file has {@code totalBytes} bytes. */
  default void started(String release, long totalBytes) {}

  /** After each dataset entry: bytes of the file read so far and entries (samples) handled so far. */
  default void progress(long bytesRead, long totalBytes, long samplesDone) {}

  /** The release is sealed (or was already). */
  default void finished(IngestResult result) {}
}
