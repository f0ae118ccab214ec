package io.adaptstream.cli.local;

import java.nio.file.Path;

/**
 * The files of one local-mode data directory. Everything local mode keeps lives under it, so deleting the
 * directory resets local mode completely.
 *
 * <pre>
 * DIR/local.properties   ports and KRaft cluster id, chosen on first start and reused
 * DIR/server.properties  the broker's configuration, written on every start
 * DIR/kafka/             the broker's log directory (topics, KRaft metadata)
 * DIR/registry.jsonl     the schema registry's state
 * DIR/blobs/             the blob store
 * DIR/broker.log         the broker's output (broker.log.1: the previous start's)
 * DIR/local.log          output of a detached {@code adapt local up} (local.log.1: the previous one)
 * DIR/local.json         pids and addresses, present while local mode runs
 * DIR/.lock              held by the running instance
 * </pre>
 */
public record LocalLayout(Path dir) {

  public LocalLayout {
    dir = dir.toAbsolutePath().normalize();
  }

  public static LocalLayout of(Path dir) {
    return new LocalLayout(dir);
  }

  public Path settings() {
    return dir.resolve("local.properties");
  }

  public Path serverProperties() {
    return dir.resolve("server.properties");
  }

  public Path kafkaDir() {
    return dir.resolve("kafka");
  }

  public Path registryState() {
    return dir.resolve("registry.jsonl");
  }

  public Path blobs() {
    return dir.resolve("blobs");
  }

  public Path brokerLog() {
    return dir.resolve("broker.log");
  }

  public Path ownerLog() {
    return dir.resolve("local.log");
  }

  public Path state() {
    return dir.resolve("local.json");
  }

  public Path lockFile() {
    return dir.resolve(".lock");
  }
}
