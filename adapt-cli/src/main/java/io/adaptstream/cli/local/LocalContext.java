package io.adaptstream.cli.local;

import io.adaptstream.cli.run.Deployment;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.runtime.config.ServiceConfig;
import java.util.Map;

/**
 * What a service started inside local mode gets: the running local mode as a {@link Deployment} (one node, the
 * default topic prefix and partitioning, its blob store) and the data directory it keeps everything in. Local mode
 * runs the default run ({@link TopicCatalogue#DEFAULT_RUN}), whose topics it created.
 */
public record LocalContext(LocalLayout layout, Deployment deployment) {

  /**
   * The settings every service shares, pointing at this local mode (the keys of {@link ServiceConfig#common()});
   * a service adds its own keys (the blob store among them, where it has one) to this map.
   */
  public Map<String, String> serviceSettings() {
    return deployment.commonSettings(TopicCatalogue.DEFAULT_RUN);
  }
}
