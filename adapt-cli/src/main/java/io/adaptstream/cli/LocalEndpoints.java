package io.adaptstream.cli;

import io.adaptstream.cli.local.LocalLayout;
import io.adaptstream.cli.local.LocalState;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves {@link Endpoints}: flags given on the command line win; what is missing comes from the local mode
 * running in the data directory ({@code DIR/local.json} with a live owner); with neither, a clear error.
 */
public final class LocalEndpoints {

  private LocalEndpoints() {}

  public static Endpoints resolve(String bootstrapServers, String schemaRegistryUrl, LocalLayout layout) {
    Optional<LocalState> local = LocalState.read(layout).filter(LocalState::ownerAlive);
    if (bootstrapServers != null && schemaRegistryUrl != null) {
      return new Endpoints(bootstrapServers, schemaRegistryUrl, local.map(s -> Path.of(s.blobStore())));
    }
    LocalState s = local.orElseThrow(() -> new IllegalStateException("local mode is not running in "
        + layout.dir() + ": start it with `adapt local up`, or pass --bootstrap-servers and --schema-registry-url"));
    return new Endpoints(bootstrapServers != null ? bootstrapServers : s.bootstrapServers(),
        schemaRegistryUrl != null ? schemaRegistryUrl : s.schemaRegistryUrl(), Optional.of(Path.of(s.blobStore())));
  }
}
