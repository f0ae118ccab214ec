package io.adaptstream.selector.topology;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * An unordered heap key-value store for the scores mirror, whose readers only get, put, delete and walk all
 * entries. Kafka Streams' own heap store keeps a sorted tree (for range queries this store's readers never make):
 * in CPU profiles its ordered insert cost a score on the collector's path about as much as the pool lookup, and
 * every walk first copies the keys into a second sorted set. A hash table puts in about half the time and walks in
 * a tenth to a quarter ({@code ScoresStoreBenchmark}). Kafka Streams offers no unsorted store, so this one is written here; it
 * is small.
 *
 * <p>Not persistent, so Kafka Streams restores it from its topic at every start, as it does its own heap store.
 * Range and prefix reads throw: a reader that needs order must use a sorted store.
 */
final class HashBytesStore extends HeapStateStore implements KeyValueStore<Bytes, byte[]> {

  private final Map<Bytes, byte[]> map = new ConcurrentHashMap<>();

  HashBytesStore(String name) {
    super(name);
  }

  /** A supplier for {@code Stores.keyValueStoreBuilder}. */
  static KeyValueBytesStoreSupplier supplier(String name) {
    return new KeyValueBytesStoreSupplier() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public KeyValueStore<Bytes, byte[]> get() {
        return new HashBytesStore(name);
      }

      @Override
      public String metricsScope() {
        return "in-memory-hash";
      }
    };
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    context.register(root, (key, value) -> put(Bytes.wrap(key), value)); // a null value deletes, as in the topic
    opened();
  }

  @Override
  public byte[] get(Bytes key) {
    return map.get(key);
  }

  @Override
  public void put(Bytes key, byte[] value) {
    if (value == null) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }

  @Override
  public byte[] putIfAbsent(Bytes key, byte[] value) {
    return value == null ? map.get(key) : map.putIfAbsent(key, value);
  }

  @Override
  public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
    entries.forEach(kv -> put(kv.key, kv.value));
  }

  @Override
  public byte[] delete(Bytes key) {
    return map.remove(key);
  }

  /** Every entry, in no particular order (the keys as they were when the walk began, each value as read). */
  @Override
  public KeyValueIterator<Bytes, byte[]> all() {
    Iterator<Bytes> keys = new ArrayList<>(map.keySet()).iterator();
    return new KeyValueIterator<>() {
      private KeyValue<Bytes, byte[]> next;

      @Override
      public boolean hasNext() {
        while (next == null && keys.hasNext()) {
          Bytes key = keys.next();
          byte[] value = map.get(key); // null when deleted since the walk began
          next = value == null ? null : KeyValue.pair(key, value);
        }
        return next != null;
      }

      @Override
      public KeyValue<Bytes, byte[]> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        KeyValue<Bytes, byte[]> out = next;
        next = null;
        return out;
      }

      @Override
      public Bytes peekNextKey() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return next.key;
      }

      @Override
      public void close() {
        // nothing held
      }
    };
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
    throw unordered("range");
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
    throw unordered("reverseRange");
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseAll() {
    throw unordered("reverseAll");
  }

  @Override
  public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
    throw unordered("prefixScan");
  }

  private UnsupportedOperationException unordered(String read) {
    return new UnsupportedOperationException("store " + name() + " is unordered: it has no " + read);
  }

  @Override
  public long approximateNumEntries() {
    return map.size();
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    return QueryResult.forUnknownQueryType(query, this);
  }

  @Override
  public Position getPosition() {
    return Position.emptyPosition();
  }

  @Override
  public void flush() {
    // nothing to write: the store is its topic
  }

  @Override
  void forget() {
    map.clear();
  }
}
