package io.adaptstream.selector.topology;

import org.apache.kafka.streams.processor.StateStore;

/**
 * What the topology's own heap stores share: a name, an open flag, nothing on disk, and memory dropped on close.
 * Kafka Streams restores them (or, for derived state, their sources) at every start.
 */
abstract class HeapStateStore implements StateStore {

  private final String name;
  private volatile boolean open;

  HeapStateStore(String name) {
    this.name = name;
  }

  /** Drops what the store holds in memory. */
  abstract void forget();

  final void opened() {
    open = true;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final void close() {
    forget();
    open = false;
  }

  @Override
  public final boolean persistent() {
    return false;
  }

  @Override
  public final boolean isOpen() {
    return open;
  }
}
