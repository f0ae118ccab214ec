package io.adaptstream.runtime.config;

import io.adaptstream.runtime.metrics.MetricsSettings;
import io.adaptstream.schemas.Backoff;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.registry.SchemaRegistryClient;
import io.adaptstream.schemas.serde.AvroSerdes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings every service shares, on Kafka's own {@link ConfigDef} (key constant, doc, default, validator).
 *
 * <p>Each service has one typed subclass that adds its own keys; nothing else reads properties or the
 * environment. Unknown keys are refused, so a typo in a compose file fails at start instead of being ignored.
 * Keys starting with {@value #KAFKA_PREFIX} are passed to the service's Kafka clients with the prefix removed
 * (e.g. {@code kafka.security.protocol}).
 */
public abstract class ServiceConfig extends AbstractConfig {

  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  /** The same key the serdes read when Kafka creates them by class name. */
  public static final String SCHEMA_REGISTRY_URL = AvroSerdes.REGISTRY_URL_CONFIG;
  public static final String SCHEMA_REGISTRY_RETRY_MAX_WAIT_MS = "schema.registry.retry.max.wait.ms";
  public static final String SCHEMA_REGISTRY_RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
  public static final String SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS = "schema.registry.retry.backoff.max.ms";
  public static final String TOPIC_PREFIX = "topic.prefix";
  public static final String RUN_ID = "run.id";
  public static final String DATA_PARTITIONS = "data.partitions";
  public static final String REPLICATION_FACTOR = "replication.factor";
  public static final String KAFKA_PREFIX = "kafka.";
  /** Port of the service's {@code /metrics} endpoint (Prometheus text format); 0 a free one, -1 off. */
  public static final String METRICS_PORT = "metrics.port";
  /** Address the {@code /metrics} endpoint binds to. */
  public static final String METRICS_BIND_ADDRESS = "metrics.bind.address";
  /**
   * The content-addressed blob store's root (a directory or file:// URI), for the services that store images or
   * checkpoints (ingest, scoring, trainer): one key, defined by each of them with {@link #defineBlobStore}.
   */
  public static final String BLOB_STORE = "blob.store";
  public static final String BLOB_STORE_STALE_TEMP_MS = "blob.store.stale.temp.ms";

  protected ServiceConfig(ConfigDef definition, Map<?, ?> originals) {
    super(definition, originals, false);
    Map<String, Object> unknown = new HashMap<>(originals().entrySet().stream()
        .filter(e -> !definition.names().contains(e.getKey()) && !e.getKey().startsWith(KAFKA_PREFIX))
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown setting(s) " + new TreeSet<>(unknown.keySet()) + " for "
          + getClass().getSimpleName() + "; known: " + new TreeSet<>(definition.names()));
    }
  }

  /** The keys every service has; subclasses add theirs to the returned definition. */
  public static ConfigDef common() {
    return new ConfigDef()
        .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
            Importance.HIGH, "Kafka brokers, host:port[,host:port...].")
        .define(SCHEMA_REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
            Importance.HIGH, "Confluent-API schema registry, http://host:port.")
        .define(SCHEMA_REGISTRY_RETRY_MAX_WAIT_MS, Type.LONG, SchemaRegistryClient.DEFAULT_MAX_WAIT_MS,
            Range.atLeast(0), Importance.MEDIUM, "How long one registry call waits, in total across its retries, "
                + "for a schema registry that does not answer (or answers 5xx/429) before it fails; 0 tries once. "
                + "A registry restart should fit in it.")
        .define(SCHEMA_REGISTRY_RETRY_BACKOFF_MS, Type.LONG, SchemaRegistryClient.DEFAULT_BACKOFF_MS,
            Range.atLeast(1), Importance.LOW, "First pause before retrying a registry call; it doubles each retry.")
        .define(SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS, Type.LONG, SchemaRegistryClient.DEFAULT_MAX_BACKOFF_MS,
            Range.atLeast(1), Importance.LOW, "Longest pause between two attempts of a registry call.")
        .define(TOPIC_PREFIX, Type.STRING, TopicCatalogue.DEFAULT_PREFIX, new ConfigDef.NonEmptyString(),
            Importance.MEDIUM, "Prefix of every topic name; one deployment per prefix.")
        .define(RUN_ID, Type.STRING, TopicCatalogue.DEFAULT_RUN, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
            "The run whose derived topics (scores, selections, models, evals) this service reads and writes.")
        .define(DATA_PARTITIONS, Type.INT, TopicCatalogue.DEFAULT_DATA_PARTITIONS, Range.between(1, 1024),
            Importance.LOW, "Partitions of data topics when this service creates them.")
        .define(REPLICATION_FACTOR, Type.SHORT, (short) 1, Range.atLeast(1), Importance.LOW,
            "Replication factor of topics this service creates.")
        .define(METRICS_PORT, Type.INT, MetricsSettings.ANY_PORT, Range.between(MetricsSettings.OFF, 65_535),
            Importance.MEDIUM, "Port of the service's /metrics endpoint (Prometheus text format): 0 picks a free "
                + "one (logged at start), -1 turns the endpoint off. In local mode one endpoint serves every "
                + "service and takes these keys from the services' settings.")
        .define(METRICS_BIND_ADDRESS, Type.STRING, MetricsSettings.LOOPBACK, new ConfigDef.NonEmptyString(),
            Importance.MEDIUM, "Address the /metrics endpoint binds to: 127.0.0.1 (this machine only) by default; "
                + "0.0.0.0 in a container that Prometheus scrapes over its network.");
  }

  /**
   * A validator for keys defined outside this module (the model's {@code model.*} keys): {@code check} throws
   * {@link IllegalArgumentException} with the reason, which becomes the {@link ConfigException} naming the key.
   */
  protected static ConfigDef.Validator checkedBy(java.util.function.BiConsumer<String, Object> check) {
    return (name, value) -> {
      try {
        check.accept(name, value);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, e.getMessage());
      }
    };
  }

  /**
   * Adds {@value #BLOB_STORE} and {@value #BLOB_STORE_STALE_TEMP_MS} to a service's keys. The default age is the
   * blob store's own (this module does not depend on it), and {@code what} says what the service keeps there.
   */
  protected static ConfigDef defineBlobStore(ConfigDef definition, String what, long defaultStaleTempMs) {
    return definition
        .define(BLOB_STORE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
            what)
        .define(BLOB_STORE_STALE_TEMP_MS, Type.LONG, defaultStaleTempMs, Range.atLeast(0), Importance.LOW,
            "How long a temporary file in the blob store's tmp/ of a writer that cannot be checked (another "
                + "host's, or unnamed) must stay unmodified before opening the store removes it; a dead local "
                + "writer's file goes at once, a live one's never (blobstore README).");
  }

  public TopicCatalogue catalogue() {
    return TopicCatalogue.of(getString(TOPIC_PREFIX), getString(RUN_ID), getInt(DATA_PARTITIONS));
  }

  public AvroSerdes serdes() {
    return new AvroSerdes(new SchemaRegistryClient(getString(SCHEMA_REGISTRY_URL), registryBackoff()));
  }

  /** How registry calls wait for an unavailable registry ({@value #SCHEMA_REGISTRY_RETRY_MAX_WAIT_MS}). */
  public Backoff registryBackoff() {
    long first = getLong(SCHEMA_REGISTRY_RETRY_BACKOFF_MS);
    long largest = Math.max(first, getLong(SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS));
    return Backoff.within(Duration.ofMillis(first), Duration.ofMillis(largest),
        Duration.ofMillis(getLong(SCHEMA_REGISTRY_RETRY_MAX_WAIT_MS)));
  }

  /** Where the service's {@code /metrics} endpoint listens ({@value #METRICS_BIND_ADDRESS}, {@value #METRICS_PORT}). */
  public MetricsSettings metrics() {
    return new MetricsSettings(getString(METRICS_BIND_ADDRESS), getInt(METRICS_PORT));
  }

  public short replicationFactor() {
    return getShort(REPLICATION_FACTOR);
  }

  /** Client settings: bootstrap servers plus every {@code kafka.*} override, prefix removed. */
  public Map<String, Object> clientProps() {
    Map<String, Object> props = new HashMap<>(originalsWithPrefix(KAFKA_PREFIX));
    props.put(BOOTSTRAP_SERVERS, getString(BOOTSTRAP_SERVERS));
    return props;
  }

  /** Reads a properties file (UTF-8) into a map for a config constructor. */
  public static Map<String, String> load(Path file) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file);
        var reader = new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8)) {
      p.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, String> m = new HashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
    return m;
  }
}
