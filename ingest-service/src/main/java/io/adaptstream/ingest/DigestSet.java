package io.adaptstream.ingest;

import io.adaptstream.blob.Sha256;

/**
 * A set of sha256 hex digests that keeps 16 bytes per member, for the per-release duplicate check.
 *
 * <p>Why not {@code HashSet<String>}: a large release (LLaVA-665K) would hold ~150 bytes per id on the heap,
 * about 100 MB, and a resume holds two such sets; this is ~32 bytes per member. No primitive-collections
 * library is a dependency, and an open-addressing table of two longs is a few lines. Members are compared on
 * their first 128 bits: for uniformly distributed digests a false match among a billion members has a
 * probability below 10^-20.
 */
final class DigestSet {

  private long[] hi = new long[1024];
  private long[] lo = new long[1024];
  private boolean[] used = new boolean[1024];
  private int size;

  /** Adds a digest; false if it was present already. */
  boolean add(String sha256Hex) {
    Sha256.requireHex(sha256Hex);
    long h = Long.parseUnsignedLong(sha256Hex.substring(0, 16), 16);
    long l = Long.parseUnsignedLong(sha256Hex.substring(16, 32), 16);
    if (2 * (size + 1) > used.length) {
      grow();
    }
    return insert(h, l);
  }

  boolean contains(String sha256Hex) {
    Sha256.requireHex(sha256Hex);
    long h = Long.parseUnsignedLong(sha256Hex.substring(0, 16), 16);
    long l = Long.parseUnsignedLong(sha256Hex.substring(16, 32), 16);
    int mask = used.length - 1;
    for (int i = slot(h, mask); used[i]; i = (i + 1) & mask) {
      if (hi[i] == h && lo[i] == l) {
        return true;
      }
    }
    return false;
  }

  int size() {
    return size;
  }

  private boolean insert(long h, long l) {
    int mask = used.length - 1;
    int i = slot(h, mask);
    while (used[i]) {
      if (hi[i] == h && lo[i] == l) {
        return false;
      }
      i = (i + 1) & mask;
    }
    used[i] = true;
    hi[i] = h;
    lo[i] = l;
    size++;
    return true;
  }

  private void grow() {
    long[] oldHi = hi;
    long[] oldLo = lo;
    boolean[] oldUsed = used;
    hi = new long[oldUsed.length * 2];
    lo = new long[oldUsed.length * 2];
    used = new boolean[oldUsed.length * 2];
    size = 0;
    for (int i = 0; i < oldUsed.length; i++) {
      if (oldUsed[i]) {
        insert(oldHi[i], oldLo[i]);
      }
    }
  }

  private static int slot(long h, int mask) {
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
