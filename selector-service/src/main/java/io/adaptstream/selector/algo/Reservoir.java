package io.adaptstream.selector.algo;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

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

  /**
   * How many of its bottom-k one of {@code partitions} hash-balanced partitions hands on so that the merged
   * bottom-{@code capacity} is, but for a vanishing chance, the one of all partitions together: the global
   * bottom-k draws about capacity/partitions from each (binomially), so a slice of that plus six standard
   * deviations (and a little, for small reservoirs) covers it. Sending the full capacity from every partition
   * would move and store {@code partitions} times the entries the fit uses. Whether a merge was exact can be
   * checked afterwards: see {@link #mergeWasExact}.
   */
  public static int sliceCapacity(int capacity, int partitions) {
    if (partitions <= 1) {
      return capacity;
    }
    double share = (double) capacity / partitions;
    return (int) Math.min(capacity, Math.ceil(share + 6 * Math.sqrt(share) + 16));
  }

  /**
   * Whether this reservoir, merged from slices of at most {@code sliceCapacity} entries each, holds the bottom-k
   * of everything the slices were cut from: true unless some slice was full and its largest hash lies below the
   * merged k-th (that slice's partition may hold smaller hashes it did not send). {@code sliceOf} names the slice
   * (partition) of an id. The merge is deterministic either way; this says whether it is the global sample.
   */
  public boolean mergeWasExact(int sliceCapacity, ToIntFunction<String> sliceOf) {
    Map<Integer, long[]> slices = new HashMap<>(); // slice -> {count, largest hash}
    for (Slot slot : slots.keySet()) {
      long[] s = slices.computeIfAbsent(sliceOf.applyAsInt(slot.id()), k -> new long[] {0, Long.MIN_VALUE});
      s[0]++;
      s[1] = Math.max(s[1], slot.hash());
    }
    Long kth = slots.size() >= capacity ? slots.lastKey().hash() : null;
    for (long[] s : slices.values()) {
      if (s[0] >= sliceCapacity && (kth == null || s[1] < kth)) {
        return false;
      }
    }
    return true;
  }

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
