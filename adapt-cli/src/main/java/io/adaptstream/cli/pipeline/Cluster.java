package io.adaptstream.cli.pipeline;

import io.adaptstream.ingest.IngestConfig;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.AvroSerdes;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a pipeline runs: the broker, the schema registry, the deployment's topic prefix and partitioning, and the
 * blob store every service shares. The same for local mode, a test broker or a remote cluster, so a job built on
 * it runs unchanged on any of them.
 */
public record Cluster(String bootstrapServers, String schemaRegistryUrl, String topicPrefix, int dataPartitions,
    short replicationFactor, Path blobStore) {

  public Cluster {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
    Objects.requireNonNull(topicPrefix, "topicPrefix");
    Objects.requireNonNull(blobStore, "blobStore");
    blobStore = blobStore.toAbsolutePath().normalize();
    TopicCatalogue.of(topicPrefix, TopicCatalogue.DEFAULT_RUN, dataPartitions); // validates both
  }

  /** A one-node cluster with the default prefix and partitioning (local mode's). */
  public static Cluster local(String bootstrapServers, String schemaRegistryUrl, Path blobStore) {
    return new Cluster(bootstrapServers, schemaRegistryUrl, TopicCatalogue.DEFAULT_PREFIX,
        TopicCatalogue.DEFAULT_DATA_PARTITIONS, (short) 1, blobStore);
  }

  /** The topics of run {@code runId}. */
  public TopicCatalogue catalogue(String runId) {
    return TopicCatalogue.of(topicPrefix, runId, dataPartitions);
  }

  public AvroSerdes serdes() {
    return new AvroSerdes(schemaRegistryUrl);
  }

  /** The keys every service shares ({@link ServiceConfig#common()}), for run {@code runId}. */
  public Map<String, String> commonSettings(String runId) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(ServiceConfig.BOOTSTRAP_SERVERS, bootstrapServers);
    m.put(ServiceConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
    m.put(ServiceConfig.TOPIC_PREFIX, topicPrefix);
    m.put(ServiceConfig.RUN_ID, runId);
    m.put(ServiceConfig.DATA_PARTITIONS, Integer.toString(dataPartitions));
    m.put(ServiceConfig.REPLICATION_FACTOR, Short.toString(replicationFactor));
    return m;
  }

  /**
   * How {@code adapt publish} and the demo publish: the ingest log is shared by every run, so publishing always
   * uses the default run (its transactional ids are those of any other publisher of the deployment).
   */
  public IngestConfig ingestConfig() {
    Map<String, String> m = commonSettings(TopicCatalogue.DEFAULT_RUN);
    m.put(ServiceConfig.BLOB_STORE, blobStore.toString());
    return new IngestConfig(m);
  }
}
