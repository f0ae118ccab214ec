package io.adaptstream.selector.algo;

/**
 * Unit-length float vectors: the selector works in cosine geometry (gradient sketches and hidden-state
 * embeddings are compared by direction, not magnitude), so every vector is checked and L2-normalised once, on
 * entry, and the rest of the code can use a plain dot product as the cosine.
 */
public final class UnitVector {

  private UnitVector() {}

  /**
   * A normalised copy of {@code raw}.
   *
   * @throws IllegalArgumentException when the vector is empty, has a non-finite component or zero norm (it has no
   *     direction, so no cosine to anything); services turn this into a dead letter for the sample
   */
  public static float[] of(float[] raw) {
    if (raw == null || raw.length == 0) {
      throw new IllegalArgumentException("vector is empty");
    }
    double sq = 0;
    for (int i = 0; i < raw.length; i++) {
      float v = raw[i];
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("vector has a non-finite component at index " + i + ": " + v);
      }
      sq += (double) v * v;
    }
    if (sq == 0 || !Double.isFinite(sq)) {
      throw new IllegalArgumentException("vector has zero (or overflowing) norm; it has no direction");
    }
    double inv = 1.0 / Math.sqrt(sq);
    float[] out = new float[raw.length];
    for (int i = 0; i < raw.length; i++) {
      out[i] = (float) (raw[i] * inv);
    }
    return out;
  }

  /** The dot product; the cosine when both are unit vectors. Fixed summation order, so results are reproducible. */
  public static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
    }
    return dot(a, 0, b, 0, a.length);
  }

  /** The dot product of {@code a[offA, offA + len)} and {@code b[offB, offB + len)}. */
  static double dot(float[] a, int offA, float[] b, int offB, int len) {
    // four independent partial sums: the JIT can pipeline them; order is fixed, so the result is deterministic
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 += a[offA + i] * b[offB + i];
      s1 += a[offA + i + 1] * b[offB + i + 1];
      s2 += a[offA + i + 2] * b[offB + i + 2];
      s3 += a[offA + i + 3] * b[offB + i + 3];
    }
    for (; i < len; i++) {
      s0 += a[offA + i] * b[offB + i];
    }
    return (double) s0 + s1 + s2 + s3;
  }
}
