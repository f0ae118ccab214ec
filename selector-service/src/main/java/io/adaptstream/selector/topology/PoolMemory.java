package io.adaptstream.selector.topology;

import io.adaptstream.avro.PoolEntry;
import io.adaptstream.avro.StepBarrier;
import io.adaptstream.avro.StepStart;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * What the processors of one pool task (pool processor, score collector, score assigner) would otherwise read
 * back from their stores for every score record: the step in progress, which samples the pool holds, and the
 * collector's barrier. Decoding those from RocksDB per record cost more than everything else the collector does.
 *
 * <p>It is derived state and never the only copy: every write goes to the store first and is mirrored here, and
 * each part is rebuilt from the stores the first time it is needed. It is a (non-persistent, unlogged) state store
 * only so that Kafka Streams hands each task its own instance and re-initialises it together with the task's
 * other stores: after an aborted transaction the task's stores are restored to the last commit and {@link #init}
 * clears this memory, so nothing written by an aborted transaction survives here either. No library offers such
 * a per-task cache over several stores; the code is small.
 */
final class PoolMemory extends HeapStateStore {


  /** The task's stores, as the processors that use this memory see them (any processor's handle will do). */
  private KeyValueStore<String, PoolEntry> pool;
  private KeyValueStore<String, StepStart> steps;

  private StepStart current;
  private boolean currentKnown;
  /** Ids of the samples the pool holds; null until first needed. */
  private Set<String> live;
  /** Shared by the collector and the assigner, the two writers of the collector's barrier store. */
  private StepBarriers collectorBarriers;

  PoolMemory(String name) {
    super(name);
  }

  /** A builder for the topology; logging is off because nothing here is state of its own. */
  static StoreBuilder<PoolMemory> builder(String name) {
    return new StoreBuilder<>() {
      @Override
      public StoreBuilder<PoolMemory> withCachingEnabled() {
        return this;
      }

      @Override
      public StoreBuilder<PoolMemory> withCachingDisabled() {
        return this;
      }

      @Override
      public StoreBuilder<PoolMemory> withLoggingEnabled(Map<String, String> config) {
        throw new UnsupportedOperationException("the pool memory is derived state: it has no changelog");
      }

      @Override
      public StoreBuilder<PoolMemory> withLoggingDisabled() {
        return this;
      }

      @Override
      public PoolMemory build() {
        return new PoolMemory(name);
      }

      @Override
      public Map<String, String> logConfig() {
        return Map.of();
      }

      @Override
      public boolean loggingEnabled() {
        return false;
      }

      @Override
      public String name() {
        return name;
      }
    };
  }

  /** Attaches the pool and step stores; each processor that uses this memory calls it from its init. */
  void bind(KeyValueStore<String, PoolEntry> pool, KeyValueStore<String, StepStart> steps) {
    this.pool = pool;
    this.steps = steps;
  }

  /** The step the pool task started last, or null before the first. */
  StepStart current() {
    if (!currentKnown) {
      current = steps.get(PoolProcessor.CURRENT);
      currentKnown = true;
    }
    return current;
  }

  /** Writes the step in progress through to its store. */
  void start(StepStart start) {
    steps.put(PoolProcessor.CURRENT, start);
    current = start;
    currentKnown = true;
  }

  /** Whether the pool holds the sample (not deleted for good); built from the pool store once. */
  boolean holds(String sampleId) {
    if (live == null) {
      load();
    }
    return live.contains(sampleId);
  }

  /**
   * Reads which samples the pool holds, decoding every entry once: the pool processor calls it when its task
   * starts, so a task restored mid-step does not pay it while the step's scores arrive.
   */
  void load() {
    Set<String> ids = new HashSet<>();
    try (KeyValueIterator<String, PoolEntry> it = pool.all()) {
      while (it.hasNext()) {
        KeyValue<String, PoolEntry> kv = it.next();
        if (kv.value != null && kv.value.getSample() != null) {
          ids.add(kv.key);
        }
      }
    }
    live = ids;
  }

  /** Writes a pool entry through to the store. */
  void put(String sampleId, PoolEntry entry) {
    pool.put(sampleId, entry);
    if (live != null) {
      if (entry.getSample() != null) {
        live.add(sampleId);
      } else {
        live.remove(sampleId);
      }
    }
  }

  /** Deletes a pool entry in the store. */
  void delete(String sampleId) {
    pool.delete(sampleId);
    if (live != null) {
      live.remove(sampleId);
    }
  }

  /**
   * The barriers over the collector's barrier store, one object for both processors that write it, so each sees
   * the other's writes; their memo of the last barrier lives as long as this memory.
   */
  StepBarriers collectorBarriers(KeyValueStore<String, StepBarrier> store) {
    if (collectorBarriers == null) {
      collectorBarriers = new StepBarriers(store);
    }
    return collectorBarriers;
  }

  @Override
  void forget() {
    current = null;
    currentKnown = false;
    live = null;
    collectorBarriers = null;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    forget();
    context.register(root, (key, value) -> { });
    opened();
  }

  @Override
  public void flush() {
    // nothing of its own to write
  }
}
