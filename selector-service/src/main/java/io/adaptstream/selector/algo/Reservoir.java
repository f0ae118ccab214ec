package io.adaptstream.selector.algo;

import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A bounded sample of the pool that does not depend on arrival order: the {@code capacity} ids with the smallest
 * seeded 64-bit hash (bottom-k sampling).
 *
 * <p>Why not classic reservoir sampling: its content depends on the order records arrive, and records of one step
 * arrive interleaved from several partitions, so two runs (or the whole-pool planner and the distributed
 * topology) would fit k-means on different samples. A hash of the id is the same wherever and whenever the id is
 * seen, so the kept set is a function of the offered set alone. It is also a uniform sample: hash values are
 * independent of the data. This bounds k-means cost by {@code capacity} whatever the pool size.
 *
 * <p>Offering an id again replaces its value (a sample re-scored at a later step keeps its slot). Two reservoirs
 * with the same seed and capacity can be merged (per-partition reservoirs combine into the global one). Not
 * thread-safe.
 *
 * @param <V> what is kept per id (e.g. the gradient sketch)
 */
public final class Reservoir<V> {

  /** Default capacity: k-means on 2000 points of a few thousand dimensions takes well under a second. */
  public static final int DEFAULT_CAPACITY = 2000;

  private record Slot(long hash, String id) {}

  /** By hash, then id (a plain comparator: this is on the score collector's per-step path). */
  private static final Comparator<Slot> ORDER = (a, b) -> {
    int byHash = Long.compare(a.hash(), b.hash());
    return byHash != 0 ? byHash : a.id().compareTo(b.id());
  };

  private final int capacity;
  private final long seed;
  private final TreeMap<Slot, V> slots = new TreeMap<>(ORDER);

  public Reservoir(int capacity, long seed) {
    if (capacity < 1) {
      throw new IllegalArgumentException("reservoir capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.seed = seed;
  }

  /**
   * Offers one sample.
   *
   * @return true when the id is (now) kept
   */
  public boolean offer(String id, V value) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(value, "value");
    Slot slot = new Slot(Seeds.hash(seed, id), id);
    boolean full = slots.size() >= capacity;
    if (full && ORDER.compare(slot, slots.lastKey()) > 0) {
      return false; // above the largest kept: not kept, and not held already (it would not be above)
    }
    if (slots.put(slot, value) == null && full) {
      slots.pollLastEntry(); // a new slot below the largest: the largest goes
    }
    return true;
  }

  /** Offers everything the other reservoir holds; it must have been built with the same seed and capacity. */
  public void merge(Reservoir<V> other) {
    if (other.seed != seed || other.capacity != capacity) {
      throw new IllegalArgumentException("can only merge reservoirs with the same seed and capacity");
    }
    other.slots.forEach((slot, value) -> offer(slot.id(), value));
  }

  /** The kept samples in sample-id order (the order k-means expects). */
  public SortedMap<String, V> byId() {
    TreeMap<String, V> out = new TreeMap<>();
    for (Map.Entry<Slot, V> e : slots.entrySet()) {
      out.put(e.getKey().id(), e.getValue());
    }
    return out;
  }

  /** The kept ids, sorted. */
  public TreeSet<String> ids() {
    return new TreeSet<>(byId().keySet());
  }

  public int size() {
    return slots.size();
  }

  public int capacity() {
    return capacity;
  }

  public long seed() {
    return seed;
  }
}
