package io.adaptstream.cli.run;

import io.adaptstream.ingest.IngestConfig;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.schemas.serde.AvroSerdes;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the system is: the broker, the schema registry, the deployment's topic prefix and partitioning, and, when
 * known, the blob store every service shares and the selector's query server. The one answer to "where does this
 * command or job talk to", the same for local mode, a test broker or a remote cluster, so a job built on it runs
 * unchanged on any of them. Commands resolve it from their flags or the running local mode; local mode hands it to
 * the services it starts.
 *
 * @param blobStore the shared blob store directory; empty when a command was only given the broker and registry
 *     addresses and no local mode runs to tell it
 * @param selectorUrl the selector's query server of the deployment's default run, when one is known
 */
public record Deployment(String bootstrapServers, String schemaRegistryUrl, String topicPrefix, int dataPartitions,
    short replicationFactor, Optional<Path> blobStore, Optional<URI> selectorUrl) {

  public Deployment {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
    Objects.requireNonNull(topicPrefix, "topicPrefix");
    Objects.requireNonNull(blobStore, "blobStore");
    Objects.requireNonNull(selectorUrl, "selectorUrl");
    blobStore = blobStore.map(p -> p.toAbsolutePath().normalize());
    TopicCatalogue.of(topicPrefix, TopicCatalogue.DEFAULT_RUN, dataPartitions); // validates both
  }

  /** A deployment whose blob store is known and whose selector is not (what a job runs on). */
  public Deployment(String bootstrapServers, String schemaRegistryUrl, String topicPrefix, int dataPartitions,
      short replicationFactor, Path blobStore) {
    this(bootstrapServers, schemaRegistryUrl, topicPrefix, dataPartitions, replicationFactor,
        Optional.of(blobStore), Optional.empty());
  }

  /** A one-node deployment with the default prefix and partitioning (local mode's). */
  public static Deployment local(String bootstrapServers, String schemaRegistryUrl, Path blobStore) {
    return new Deployment(bootstrapServers, schemaRegistryUrl, TopicCatalogue.DEFAULT_PREFIX,
        TopicCatalogue.DEFAULT_DATA_PARTITIONS, (short) 1, blobStore);
  }

  /** This deployment with its blob store at {@code dir}. */
  public Deployment withBlobStore(Path dir) {
    return new Deployment(bootstrapServers, schemaRegistryUrl, topicPrefix, dataPartitions, replicationFactor,
        Optional.of(dir), selectorUrl);
  }

  /** This deployment with the selector's query server at {@code url}. */
  public Deployment withSelectorUrl(URI url) {
    return new Deployment(bootstrapServers, schemaRegistryUrl, topicPrefix, dataPartitions, replicationFactor,
        blobStore, Optional.of(url));
  }

  /** The blob store, which every job and service that writes or reads images and checkpoints needs. */
  public Path requireBlobStore() {
    return blobStore.orElseThrow(() -> new IllegalStateException("no blob store known for the deployment at "
        + bootstrapServers));
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
    m.put(ServiceConfig.BLOB_STORE, requireBlobStore().toString());
    return new IngestConfig(m);
  }
}
