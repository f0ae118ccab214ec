package io.adaptstream.selector.topology;

import java.util.ArrayList;
import java.util.List;

/** Avro carries vectors as {@code List<Float>}; the algorithms take {@code float[]}. */
final class Vectors {

  private Vectors() {}

  static float[] toArray(List<Float> list) {
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }

  static List<Float> toList(float[] array) {
    List<Float> out = new ArrayList<>(array.length);
    for (float f : array) {
      out.add(f);
    }
    return out;
  }

  static List<Long> toList(long[] array) {
    List<Long> out = new ArrayList<>(array.length);
    for (long v : array) {
      out.add(v);
    }
    return out;
  }
}
