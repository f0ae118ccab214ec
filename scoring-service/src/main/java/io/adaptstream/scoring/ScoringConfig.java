package io.adaptstream.scoring;

import io.adaptstream.blob.BlobStore;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.model.ComputeDevice;
import io.adaptstream.model.LearnerConfig;
import io.adaptstream.runtime.config.ServiceConfig;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of a scoring worker: the common keys plus the blob store, how requests are batched, which device
 * and mode the model runs in, and how long to wait for a model version.
 *
 * <p>The instance id is part of the worker's transactional id. Two live workers must never share one (they
 * would fence each other), so the default is derived from the host and process; give a fixed id to a worker
 * that is restarted in place, so its successor aborts a transaction it left open at once instead of the broker
 * timing it out.
 */
public final class ScoringConfig extends ServiceConfig {

  public static final String MICRO_BATCH = "scoring.micro.batch";
  public static final String DEVICE = "scoring.device";
  public static final String DETERMINISTIC = "scoring.deterministic";
  public static final String MODEL_CACHE = "scoring.model.cache";
  public static final String INSTANCE_ID = "scoring.instance.id";
  public static final String MAX_POLL_RECORDS = "scoring.max.poll.records";
  public static final String MODEL_WAIT_MS = "scoring.model.wait.ms";
  public static final String REPORT_INTERVAL_MS = "scoring.report.interval.ms";

  /** What the consumer group and the transactional ids are named after ({@code runScopedName}). */
  public static final String SERVICE_NAME = "scoring";

  private static final ConfigDef DEFINITION = defineBlobStore(ServiceConfig.common(),
          "Where images and model checkpoints are stored: a directory path or a file:// URI.",
          FileBlobStore.DEFAULT_STALE_AFTER.toMillis())
      .define(MICRO_BATCH, Type.INT, 32, Range.between(1, 4096), Importance.MEDIUM,
          "Samples per forward/backward pass of the model.")
      .define(DEVICE, Type.STRING, "cpu", ScoringConfig::checkDevice, Importance.MEDIUM,
          "Where the model runs: cpu or gpu (gpu needs a CUDA libtorch that DJL can use).")
      .define(DETERMINISTIC, Type.BOOLEAN, false, Importance.LOW,
          "Run PyTorch with one thread so that scores are bit-identical run to run.")
      .define(MODEL_CACHE, Type.INT, 2, Range.between(1, 64), Importance.LOW,
          "Model versions kept loaded at once (a step uses one; two cover the hand-over between steps).")
      .define(INSTANCE_ID, Type.STRING, null, ScoringConfig::checkInstanceId, Importance.MEDIUM,
          "This worker's identity in its transactional id; default <host>-<pid>. Unique among live workers.")
      .define(MAX_POLL_RECORDS, Type.INT, 256, Range.between(1, 100_000), Importance.MEDIUM,
          "Requests and markers read per poll; each poll is scored and committed as one transaction.")
      .define(MODEL_WAIT_MS, Type.LONG, 60_000L, Range.between(0, 600_000), Importance.LOW,
          "How long to wait for a requested model version to appear on the models topic before the requests "
              + "that need it are dead-lettered as unknown_model.")
      .define(REPORT_INTERVAL_MS, Type.LONG, 10_000L, Range.between(0, 3_600_000), Importance.LOW,
          "How often throughput (samples/s) is logged; 0 logs every batch.");

  static {
    for (LearnerConfig.Key key : LearnerConfig.KEYS) {
      DEFINITION.define(key.name(), Type.STRING, key.defaultValue(), checkedBy(LearnerConfig::validate),
          Importance.MEDIUM, key.doc());
    }
  }

  public ScoringConfig(Map<?, ?> originals) {
    super(DEFINITION, originals);
    try {
      learner();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /** The definition (for documentation and for checking config files without building a config). */
  public static ConfigDef configDef() {
    return new ConfigDef(DEFINITION);
  }

  public BlobStore blobStore() {
    return BlobStore.at(getString(BLOB_STORE), Duration.ofMillis(getLong(BLOB_STORE_STALE_TEMP_MS)));
  }

  public int microBatch() {
    return getInt(MICRO_BATCH);
  }

  /**
   * Which learner runs ({@code model.kind} and its keys); a checkpoint of another kind is refused when loaded.
   *
   * @throws IllegalArgumentException naming the key when {@code model.path} is not a readable file
   */
  public LearnerConfig learner() {
    return LearnerConfig.from(values());
  }

  public ComputeDevice device() {
    return ComputeDevice.parse(getString(DEVICE));
  }

  public boolean deterministic() {
    return getBoolean(DETERMINISTIC);
  }

  public int modelCache() {
    return getInt(MODEL_CACHE);
  }

  /** The configured instance id, or {@code <host>-<pid>}. */
  public String instanceId() {
    String id = getString(INSTANCE_ID);
    if (id != null) {
      return id;
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return host.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + ManagementFactory.getRuntimeMXBean().getPid();
  }

  public int maxPollRecords() {
    return getInt(MAX_POLL_RECORDS);
  }

  public Duration modelWait() {
    return Duration.ofMillis(getLong(MODEL_WAIT_MS));
  }

  public Duration reportInterval() {
    return Duration.ofMillis(getLong(REPORT_INTERVAL_MS));
  }

  /** The consumer group every scoring worker of this run joins. */
  public String groupId() {
    return catalogue().runScopedName(SERVICE_NAME);
  }

  /** This worker's transactional id: the run-scoped service name and the instance id. */
  public String transactionalId() {
    return catalogue().runScopedName(SERVICE_NAME) + "-" + instanceId();
  }

  private static void checkDevice(String name, Object value) {
    try {
      ComputeDevice.parse((String) value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, value, e.getMessage());
    }
  }

  private static void checkInstanceId(String name, Object value) {
    if (value != null && !((String) value).matches("[A-Za-z0-9._-]{1,128}")) {
      throw new ConfigException(name, value, "must be 1-128 letters, digits, '.', '_' or '-'");
    }
  }
}
