package io.adaptstream.ingest;

import java.util.Arrays;

/** Collects an entry's bytes up to a cap while still counting how many there were. */
final class CappedBuffer {

  private final int cap;
  private byte[] data = new byte[1024];
  private int size;
  private long total;

  CappedBuffer(int cap) {
    this.cap = cap;
  }

  void add(int b) {
    total++;
    if (size < cap) {
      if (size == data.length) {
        data = Arrays.copyOf(data, (int) Math.min(cap, Math.max(16L, 2L * data.length)));
      }
      data[size++] = (byte) b;
    }
  }

  boolean overflowed() {
    return total > cap;
  }

  long total() {
    return total;
  }

  byte[] bytes() {
    return Arrays.copyOf(data, size);
  }

  void clear() {
    size = 0;
    total = 0;
  }
}
