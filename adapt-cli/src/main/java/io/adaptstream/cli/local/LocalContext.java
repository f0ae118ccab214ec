package io.adaptstream.cli.local;

import io.adaptstream.cli.pipeline.Cluster;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.schemas.TopicCatalogue;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a service started inside local mode gets: the addresses of the running broker, registry and blob
 * store, and the catalogue whose topics local mode created.
 */
public record LocalContext(LocalLayout layout, String bootstrapServers, String schemaRegistryUrl, Path blobStore,
    TopicCatalogue catalogue) {

  /** This local mode as a {@link Cluster}: one node, its topic prefix and partitioning, its blob store. */
  public Cluster cluster() {
    return new Cluster(bootstrapServers, schemaRegistryUrl, catalogue.prefix(), catalogue.dataPartitions(),
        (short) 1, blobStore);
  }

  /**
   * The settings every service shares, pointing at this local mode (the keys of {@link ServiceConfig#common()});
   * a service adds its own keys (the blob store among them, where it has one) to this map.
   */
  public Map<String, String> serviceSettings() {
    return cluster().commonSettings(catalogue.run());
  }
}
