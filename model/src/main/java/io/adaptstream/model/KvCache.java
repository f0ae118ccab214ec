package io.adaptstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Every decoder layer's attention keys and values of the positions run so far, so that greedy decoding runs
 * the network once over the prompts and then only over each row's newest token instead of over the whole
 * sequence at every step.
 *
 * <p>Each layer has one preallocated buffer per keys and values, (B, heads, capacity, headDim), filled left to
 * right: the prompt positions (image prefix and padded text, as {@link Batch} lays them out) and then one slot
 * per decoding step, shared by all rows. Which slots a row may attend to is the caller's mask, not the cache's
 * business. Rows can be dropped ({@link #keepRows}) when they finish, so the remaining steps cost less.
 * Memory: {@code 2 × layers × B × capacity × dModel} floats.
 *
 * <p>The buffers live on their own sub-manager; close the cache (or its parent manager) to free them.
 */
final class KvCache implements AutoCloseable {

  private final NDManager manager;
  private final int capacity;
  private final Layer[] layers;

  KvCache(NDManager parent, int layers, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("cache capacity must be >= 1, was " + capacity);
    }
    this.manager = parent.newSubManager();
    this.capacity = capacity;
    this.layers = new Layer[layers];
    for (int i = 0; i < layers; i++) {
      this.layers[i] = new Layer();
    }
  }

  Layer layer(int i) {
    return layers[i];
  }

  /** Keeps only the given batch rows, in that order (a copy of each buffer; the old ones are freed). */
  void keepRows(long[] rows) {
    try (NDManager scratch = manager.newSubManager()) {
      NDArray index = scratch.create(rows);
      for (Layer layer : layers) {
        layer.keys = layer.select(layer.keys, index);
        layer.values = layer.select(layer.values, index);
      }
    }
  }

  @Override
  public void close() {
    manager.close();
  }

  /** One layer's keys and values. */
  final class Layer {

    private NDArray keys;
    private NDArray values;
    private int length;

    int length() {
      return length;
    }

    /** Stores keys and values (B, heads, s, headDim) of the next s positions. */
    void append(NDArray k, NDArray v) {
      Shape shape = k.getShape();
      long s = shape.get(2);
      if (length + s > capacity) {
        throw new IllegalStateException("key/value cache of " + capacity + " positions is full (" + length
            + " held, " + s + " more)");
      }
      if (keys == null) {
        Shape full = new Shape(shape.get(0), shape.get(1), capacity, shape.get(3));
        keys = manager.zeros(full, k.getDataType());
        values = manager.zeros(full, v.getDataType());
      }
      NDIndex at = new NDIndex(":, :, {}:{}", length, length + s);
      keys.set(at, k);
      values.set(at, v);
      length += s;
    }

    /** The keys held so far, (B, heads, length, headDim), a view attached to {@code m}. */
    NDArray keys(NDManager m) {
      return keys.get(m, new NDIndex(":, :, :{}", length));
    }

    /** The values held so far, (B, heads, length, headDim), a view attached to {@code m}. */
    NDArray values(NDManager m) {
      return values.get(m, new NDIndex(":, :, :{}", length));
    }

    private NDArray select(NDArray buffer, NDArray rows) {
      if (buffer == null) {
        return null;
      }
      NDArray kept = buffer.get(manager, new NDIndex("{}", rows));
      buffer.close();
      return kept;
    }
  }
}
