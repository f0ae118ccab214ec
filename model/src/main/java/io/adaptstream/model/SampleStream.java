package io.adaptstream.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The order in which {@link ModelTrainer} visits a training set: an endless stream of successive shuffles of its
 * indices, each shuffle made (in place, from the previous one) when the stream enters a new pass.
 *
 * <p>Shuffling lazily, on the first draw of a pass, keeps epochs mode drawing from the shared generator in the
 * same order as before steps mode existed (the shuffle of an epoch comes after the image-dropout draws of the
 * epoch before), so its trained weights are unchanged. Over {@code k} draws every index is drawn
 * ⌊k / size⌋ or ⌈k / size⌉ times.
 */
final class SampleStream {

  private final List<Integer> order;
  private final Random random;
  private int position;
  private long drawn;

  SampleStream(int size, Random random) {
    if (size < 1) {
      throw new IllegalArgumentException("a sample stream needs at least one sample, got " + size);
    }
    this.order = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      order.add(i);
    }
    this.random = random;
    this.position = size;
  }

  /** The next index; starts a new pass (a fresh shuffle) when the current one is used up. */
  int next() {
    if (position == order.size()) {
      Collections.shuffle(order, random);
      position = 0;
    }
    drawn++;
    return order.get(position++);
  }

  /** The next {@code count} indices (they may straddle passes, and repeat when count exceeds the set's size). */
  List<Integer> next(int count) {
    List<Integer> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(next());
    }
    return out;
  }

  /** Draws left before the current pass ends (a whole pass at a pass boundary). */
  int leftInPass() {
    return position == order.size() ? order.size() : order.size() - position;
  }

  /** Indices drawn so far. */
  long drawn() {
    return drawn;
  }
}
