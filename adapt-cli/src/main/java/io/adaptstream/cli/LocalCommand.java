package io.adaptstream.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code adapt local}: groups the local-mode commands; by itself it is a usage error. */
@Command(name = "local", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Run everything on this machine: Kafka broker, schema registry, blob store.",
        "No Docker needed: a real Kafka broker (KRaft) in a child JVM, the schema registry and the blob store, all "
            + "on 127.0.0.1 and kept in one data directory.", ""},
    subcommands = {LocalUpCommand.class, LocalDownCommand.class, LocalStatusCommand.class})
final class LocalCommand {

  @ParentCommand
  AdaptCli root;
}
