package io.adaptstream.cli;

import io.adaptstream.cli.local.LocalLayout;
import io.adaptstream.cli.local.LocalState;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.schemas.TopicCatalogue;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of every command that talks to a running system: where the broker and the schema registry are, and
 * the deployment's topic prefix. Resolved into a {@link Deployment}: flags given on the command line win; what is
 * missing (and the blob store and the selector's query server) comes from the local mode running in the data
 * directory ({@code DIR/local.json} with a live owner); with neither, a clear error.
 */
public final class DeploymentOptions {

  @Mixin
  DataDirOption dataDir = new DataDirOption();

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "Kafka brokers (default: those of the local mode running in the data directory).")
  String bootstrapServers;

  @Option(names = "--schema-registry-url", paramLabel = "URL",
      description = "Schema registry (default: that of the local mode running in the data directory).")
  String schemaRegistryUrl;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = TopicCatalogue.DEFAULT_PREFIX,
      description = "Topic prefix of the deployment (default: ${DEFAULT-VALUE}).")
  String topicPrefix = TopicCatalogue.DEFAULT_PREFIX;

  public Deployment resolve() {
    return resolve(bootstrapServers, schemaRegistryUrl, topicPrefix, dataDir.layout());
  }

  static Deployment resolve(String bootstrapServers, String schemaRegistryUrl, String topicPrefix,
      LocalLayout layout) {
    Optional<LocalState> local = LocalState.read(layout).filter(LocalState::ownerAlive);
    Optional<Path> blobStore = local.map(s -> Path.of(s.blobStore()));
    Optional<URI> selector = local.flatMap(LocalState::selectorUrl).map(URI::create);
    if (bootstrapServers == null || schemaRegistryUrl == null) {
      LocalState s = local.orElseThrow(() -> new IllegalStateException("local mode is not running in "
          + layout.dir() + ": start it with `adapt local up`, or pass --bootstrap-servers and --schema-registry-url"));
      bootstrapServers = bootstrapServers != null ? bootstrapServers : s.bootstrapServers();
      schemaRegistryUrl = schemaRegistryUrl != null ? schemaRegistryUrl : s.schemaRegistryUrl();
    }
    return new Deployment(bootstrapServers, schemaRegistryUrl, topicPrefix, TopicCatalogue.DEFAULT_DATA_PARTITIONS,
        (short) 1, blobStore, selector);
  }
}
