package io.adaptstream.cli;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a command finds the system it talks to.
 *
 * @param blobStore the local blob store, when the addresses came from a running local mode
 */
public record Endpoints(String bootstrapServers, String schemaRegistryUrl, Optional<Path> blobStore) {

  public Endpoints {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
    Objects.requireNonNull(blobStore, "blobStore");
  }
}
