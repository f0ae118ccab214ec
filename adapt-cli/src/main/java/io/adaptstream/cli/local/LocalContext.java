package io.adaptstream.cli.local;

import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.config.ServiceConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a service started inside local mode gets: the addresses of the running broker, registry and blob
 * store, and the catalogue whose topics local mode created.
 */
public record LocalContext(LocalLayout layout, String bootstrapServers, String schemaRegistryUrl, Path blobStore,
    TopicCatalogue catalogue) {

  /**
   * The settings every service shares, pointing at this local mode (keys of {@link ServiceConfig} plus
   * {@code blob.store}); a service adds its own keys to this map.
   */
  public Map<String, String> serviceSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(ServiceConfig.BOOTSTRAP_SERVERS, bootstrapServers);
    m.put(ServiceConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
    m.put(ServiceConfig.TOPIC_PREFIX, catalogue.prefix());
    m.put(ServiceConfig.RUN_ID, catalogue.run());
    m.put(ServiceConfig.DATA_PARTITIONS, Integer.toString(catalogue.dataPartitions()));
    m.put(ServiceConfig.REPLICATION_FACTOR, "1");
    m.put(ServiceLauncher.BLOB_STORE, blobStore.toString());
    return m;
  }
}
