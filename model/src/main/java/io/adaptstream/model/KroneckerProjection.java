package io.adaptstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * The seeded LoGra-style projection of a layer gradient: {@code R_outᵀ G R_in}, flattened row-major.
 *
 * <p>G is the (out × (in + 1)) gradient of a linear layer's weight with its bias as the last column. The factors
 * are (out × k) and ((in + 1) × k) with N(0, 1/k) entries, k = {@code sqrt(sketchDim)}, drawn from
 * {@code new Random(projectionSeed)} (R_out first, row-major), so every worker and every engine computes the same
 * sketch. A per-sample gradient G = dYᵀ X̃ never has to be formed: the sketch is (dY R_out)ᵀ (X̃ R_in).
 */
final class KroneckerProjection {

  final int out;
  final int in;
  final int k;
  final float[] rOut;
  final float[] rIn;

  KroneckerProjection(int out, int in, int k, long seed) {
    this.out = out;
    this.in = in;
    this.k = k;
    Random random = new Random(seed);
    double std = 1.0 / Math.sqrt(k);
    rOut = new float[out * k];
    for (int i = 0; i < rOut.length; i++) {
      rOut[i] = (float) (random.nextGaussian() * std);
    }
    rIn = new float[in * k];
    for (int i = 0; i < rIn.length; i++) {
      rIn[i] = (float) (random.nextGaussian() * std);
    }
  }

  /** The projection of a model's sketch layer: fc1 (ffn × (dModel + 1)). */
  static KroneckerProjection of(ModelConfig config) {
    return new KroneckerProjection(config.ffn(), config.dModel() + 1, config.sketchSide(),
        config.projectionSeed());
  }

  NDArray outFactor(NDManager m) {
    return m.create(rOut, new Shape(out, k));
  }

  NDArray inFactor(NDManager m) {
    return m.create(rIn, new Shape(in, k));
  }

  /** Projects one explicit gradient (row-major out × in) on the host. */
  float[] project(float[] g) {
    double[] left = new double[k * in]; // R_outᵀ G : (k × in)
    for (int o = 0; o < out; o++) {
      for (int a = 0; a < k; a++) {
        double r = rOut[o * k + a];
        if (r == 0) {
          continue;
        }
        int row = o * in;
        for (int j = 0; j < in; j++) {
          left[a * in + j] += r * g[row + j];
        }
      }
    }
    float[] sketch = new float[k * k];
    for (int a = 0; a < k; a++) {
      for (int c = 0; c < k; c++) {
        double sum = 0;
        for (int j = 0; j < in; j++) {
          sum += left[a * in + j] * rIn[j * k + c];
        }
        sketch[a * k + c] = (float) sum;
      }
    }
    return sketch;
  }

  /** L2-normalises in place (a zero vector stays zero) and returns the vector. */
  static float[] normalize(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    if (sq > 0) {
      double inv = 1.0 / Math.sqrt(sq);
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (v[i] * inv);
      }
    }
    return v;
  }
}
