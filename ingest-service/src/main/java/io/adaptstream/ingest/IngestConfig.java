package io.adaptstream.ingest;

import io.adaptstream.blob.BlobStore;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.runtime.config.ServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the ingest job and the drop-folder service: the common keys plus the blob store, the chunk size
 * of the publishing transactions and the limits a sample must respect.
 *
 * <p>The limits exist because a dataset is untrusted input: one giant image or conversation must be rejected
 * with a reason, not exhaust the memory of every service that reads the sample later.
 */
public final class IngestConfig extends ServiceConfig {

  public static final String TRANSACTION_SAMPLES = "ingest.transaction.samples";
  public static final String MAX_IMAGE_BYTES = "ingest.max.image.bytes";
  public static final String MAX_IMAGE_PIXELS = "ingest.max.image.pixels";
  public static final String MAX_IMAGE_SIDE = "ingest.max.image.side";
  public static final String MAX_TEXT_BYTES = "ingest.max.text.bytes";
  public static final String MAX_TURNS = "ingest.max.turns";
  public static final String MAX_IMAGES = "ingest.max.images";
  public static final String MAX_ID_CHARS = "ingest.max.id.chars";
  public static final String MAX_NESTING_DEPTH = "ingest.max.nesting.depth";
  public static final String INBOX_DIR = "ingest.inbox.dir";
  public static final String POLL_MS = "ingest.poll.ms";
  public static final String SEAL_ATTEMPTS = "ingest.seal.attempts";
  public static final String READ_TIMEOUT_MS = "ingest.read.timeout.ms";

  private static final ConfigDef DEFINITION = defineBlobStore(ServiceConfig.common(),
          "Where images are stored: a directory path or a file:// URI (content-addressed by sha256).",
          FileBlobStore.DEFAULT_STALE_AFTER.toMillis())
      .define(TRANSACTION_SAMPLES, Type.INT, 500, Range.between(1, 100_000), Importance.MEDIUM,
          "Records (samples and dead letters) per committed transaction; a crashed publish resumes after the "
              + "last committed chunk.")
      .define(MAX_IMAGE_BYTES, Type.LONG, 20L * 1024 * 1024, Range.between(1, Integer.MAX_VALUE - 8),
          Importance.LOW, "Largest image file accepted, in bytes.")
      .define(MAX_IMAGE_PIXELS, Type.LONG, 64_000_000L, Range.atLeast(1), Importance.LOW,
          "Largest image accepted, in pixels (width x height).")
      .define(MAX_IMAGE_SIDE, Type.INT, 8192, Range.atLeast(1), Importance.LOW,
          "Largest width or height accepted, in pixels.")
      .define(MAX_TEXT_BYTES, Type.INT, 65_536, Range.between(1, 16 * 1024 * 1024), Importance.LOW,
          "Largest total conversation text per sample, in UTF-8 bytes.")
      .define(MAX_TURNS, Type.INT, 64, Range.atLeast(1), Importance.LOW, "Most conversation turns per sample.")
      .define(MAX_IMAGES, Type.INT, 16, Range.atLeast(0), Importance.LOW, "Most images per sample.")
      .define(MAX_ID_CHARS, Type.INT, 256, Range.between(1, 65_536), Importance.LOW,
          "Longest 'id' of an entry, in Unicode characters; a longer one is rejected with id_too_long.")
      .define(MAX_NESTING_DEPTH, Type.INT, 32,
          Range.between(ValidationLimits.MIN_NESTING_DEPTH, ValidationLimits.MAX_NESTING_DEPTH), Importance.LOW,
          "Deepest nesting of arrays and objects in one entry (the entry object is 1, a LLaVA entry needs 3); "
              + "a deeper entry is rejected with too_deep before it is parsed.")
      .define(INBOX_DIR, Type.STRING, null, Importance.MEDIUM,
          "Drop folder watched by the ingest service (required by 'serve ingest', unused by 'publish').")
      .define(POLL_MS, Type.LONG, 1000L, Range.between(10, 3_600_000), Importance.LOW,
          "How often the ingest service looks for new '<name>.ready' files, in milliseconds.")
      .define(SEAL_ATTEMPTS, Type.INT, 5, Range.between(1, 100), Importance.LOW,
          "How many times sealing is retried when a concurrent sealer fences this one.")
      .define(READ_TIMEOUT_MS, Type.LONG, 120_000L, Range.atLeast(1000), Importance.LOW,
          "How long to wait when reading the release table or re-reading committed data to its end (it waits "
              + "for other publishers' open transactions).");

  public IngestConfig(Map<?, ?> originals) {
    super(DEFINITION, originals);
  }

  /** The definition (for documentation and for checking config files without building a config). */
  public static ConfigDef configDef() {
    return new ConfigDef(DEFINITION);
  }

  public BlobStore blobStore() {
    return BlobStore.at(getString(BLOB_STORE), Duration.ofMillis(getLong(BLOB_STORE_STALE_TEMP_MS)));
  }

  public int transactionSamples() {
    return getInt(TRANSACTION_SAMPLES);
  }

  public ValidationLimits limits() {
    return new ValidationLimits(getLong(MAX_IMAGE_BYTES), getLong(MAX_IMAGE_PIXELS), getInt(MAX_IMAGE_SIDE),
        getInt(MAX_TEXT_BYTES), getInt(MAX_TURNS), getInt(MAX_IMAGES), getInt(MAX_ID_CHARS),
        getInt(MAX_NESTING_DEPTH));
  }

  public Optional<Path> inboxDir() {
    String dir = getString(INBOX_DIR);
    return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
  }

  public Duration pollInterval() {
    return Duration.ofMillis(getLong(POLL_MS));
  }

  public int sealAttempts() {
    return getInt(SEAL_ATTEMPTS);
  }

  public Duration readTimeout() {
    return Duration.ofMillis(getLong(READ_TIMEOUT_MS));
  }
}
