package io.adaptstream.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of every command that talks to a running system: where the broker and the schema registry
 * are. Without them the command finds the running local mode's addresses in its data directory.
 */
public final class EndpointOptions {

  @Mixin
  DataDirOption dataDir = new DataDirOption();

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "Kafka brokers (default: those of the local mode running in the data directory).")
  String bootstrapServers;

  @Option(names = "--schema-registry-url", paramLabel = "URL",
      description = "Schema registry (default: that of the local mode running in the data directory).")
  String schemaRegistryUrl;

  public Endpoints resolve() {
    return LocalEndpoints.resolve(bootstrapServers, schemaRegistryUrl, dataDir.layout());
  }
}
