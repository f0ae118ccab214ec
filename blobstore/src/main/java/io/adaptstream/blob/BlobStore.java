package io.adaptstream.blob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * A content-addressed store: every blob is keyed by the sha256 of its bytes.
 *
 * <p>Kafka records carry only a blob's URI and hash, never its bytes, so images and checkpoints of any size
 * travel through the pipeline as small events. Every read verifies the hash, so a corrupt or swapped file is
 * caught where it is used. Writes are atomic: a reader never sees a half-written blob.
 *
 * <p>{@code file://} is the one implementation today; the interface leaves room for S3-compatible stores.
 */
public interface BlobStore {

  /** Stores the stream's bytes (consumed to the end); storing the same bytes twice is a no-op. */
  BlobRef put(InputStream in) throws IOException;

  default BlobRef put(byte[] data) throws IOException {
    return put(new ByteArrayInputStream(data));
  }

  default BlobRef put(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return put(in);
    }
  }

  /** Whether a blob with this key is present (its content is not checked). */
  boolean contains(String sha256);

  /** Opens a blob for reading; the stream throws {@link BlobIntegrityException} at its end if the bytes do not hash to the key. */
  InputStream open(String sha256) throws IOException;

  /** Reads a whole blob, verified. */
  default byte[] get(String sha256) throws IOException {
    try (InputStream in = open(sha256)) {
      return in.readAllBytes();
    }
  }

  /** The URI records carry for this key. */
  URI uri(String sha256);

  /** The store at {@code root}: a {@code file:} URI or a plain directory path. */
  static BlobStore at(String root) {
    return at(root, FileBlobStore.DEFAULT_STALE_AFTER);
  }

  /**
   * The store at {@code root}, removing on open the temporary files of writers that died, and those of writers it
   * cannot check (another host's) once unmodified for {@code staleTempAge} (the rule: {@link FileBlobStore}).
   */
  static BlobStore at(String root, Duration staleTempAge) {
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("blob store root is empty");
    }
    String lower = root.toLowerCase(Locale.ROOT);
    if (lower.startsWith("file:")) {
      return new FileBlobStore(Path.of(URI.create(root)), staleTempAge);
    }
    if (lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
      throw new IllegalArgumentException("unsupported blob store scheme in " + root + " (only file:// is available)");
    }
    return new FileBlobStore(Path.of(root), staleTempAge);
  }
}
