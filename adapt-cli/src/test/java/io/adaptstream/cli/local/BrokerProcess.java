package io.adaptstream.cli.local;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Local mode's broker alone, in its child JVM, for tests that must kill and restart the broker while everything
 * else keeps running: the same {@code kafka.Kafka DIR/server.properties} command, storage and fixed ports as
 * {@code adapt local up} uses, without the owner process (which stops local mode when its broker dies).
 */
public final class BrokerProcess implements AutoCloseable {

  private final LocalLayout layout;
  private final LocalSettings settings;
  private LocalBroker broker;

  private BrokerProcess(LocalLayout layout, LocalSettings settings) {
    this.layout = layout;
    this.settings = settings;
  }

  /** Formats the storage of {@code dir} (ports chosen once, kept in its settings file) and starts the broker. */
  public static BrokerProcess start(Path dir) throws InterruptedException {
    LocalLayout layout = LocalLayout.of(dir);
    LocalSettings settings = LocalSettings.loadOrCreate(layout);
    LocalBroker.format(layout, settings);
    BrokerProcess b = new BrokerProcess(layout, settings);
    b.restart();
    return b;
  }

  /** Starts the broker JVM again on the same directory and ports; returns once it answers. */
  public synchronized void restart() throws InterruptedException {
    broker = LocalBroker.start(layout, LocalBroker.DEFAULT_HEAP);
    try (LocalProbe probe = new LocalProbe(settings.bootstrapServers())) {
      broker.awaitReady(probe, LocalMode.READY_TIMEOUT, settings.clusterId(), settings.brokerPort());
    }
  }

  /** SIGKILL: no controlled shutdown, no flush; returns once the process is gone. */
  public synchronized void kill() {
    ProcessHandle p = ProcessHandle.of(broker.pid()).orElseThrow();
    p.destroyForcibly();
    if (!LocalProcesses.awaitExit(p, Duration.ofSeconds(30))) {
      throw new AssertionError("the broker (pid " + broker.pid() + ") did not die from SIGKILL");
    }
  }

  public String bootstrapServers() {
    return settings.bootstrapServers();
  }

  public long pid() {
    return broker.pid();
  }

  @Override
  public synchronized void close() {
    if (broker != null && broker.isAlive()) {
      broker.stop(LocalInstance.BROKER_STOP_GRACE);
    }
  }
}
