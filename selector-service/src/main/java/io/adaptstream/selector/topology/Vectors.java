package io.adaptstream.selector.topology;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Avro carries vectors as {@code List<Float>} (or, between the selector's own tasks, packed float32 bytes); the
 * algorithms take {@code float[]}.
 */
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

  /** Packed little-endian float32, the byte layout of an Avro float array's elements. */
  static ByteBuffer pack(float[] array) {
    ByteBuffer out = ByteBuffer.allocate(array.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    out.asFloatBuffer().put(array);
    return out;
  }

  /** The floats of {@link #pack}ed bytes (from the buffer's position to its limit). */
  static float[] unpack(ByteBuffer packed) {
    ByteBuffer b = packed.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() % Float.BYTES != 0) {
      throw new IllegalArgumentException(b.remaining() + " bytes are not a whole number of float32");
    }
    float[] out = new float[b.remaining() / Float.BYTES];
    b.asFloatBuffer().get(out);
    return out;
  }
}
