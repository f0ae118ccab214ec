package io.adaptstream.selector.algo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded synthetic data for the algorithm tests: blobs on the unit sphere and small scored pools. */
final class Fixtures {

  private Fixtures() {}

  /** Unit vector along axis {@code axis} plus Gaussian noise of the given scale, normalised. */
  static float[] around(int dim, int axis, double noise, SplittableRandom random) {
    float[] v = new float[dim];
    for (int d = 0; d < dim; d++) {
      v[d] = (float) (noise * gaussian(random));
    }
    v[axis] += 1f;
    return UnitVector.of(v);
  }

  /** A random unit vector. */
  static float[] randomUnit(int dim, SplittableRandom random) {
    float[] v = new float[dim];
    for (int d = 0; d < dim; d++) {
      v[d] = (float) gaussian(random);
    }
    return UnitVector.of(v);
  }

  /** {@code base} nudged by noise of the given scale (a near-duplicate when small). */
  static float[] nudge(float[] base, double noise, SplittableRandom random) {
    float[] v = base.clone();
    for (int d = 0; d < v.length; d++) {
      v[d] += (float) (noise * gaussian(random));
    }
    return UnitVector.of(v);
  }

  /** {@code perBlob} points around each of the given axes, blob by blob. */
  static List<float[]> blobs(int dim, int[] axes, int perBlob, double noise, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<float[]> out = new ArrayList<>();
    for (int axis : axes) {
      for (int i = 0; i < perBlob; i++) {
        out.add(around(dim, axis, noise, random));
      }
    }
    return out;
  }

  /** Box-Muller; SplittableRandom's own Gaussian is not specified to be stable across Java versions. */
  static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  static double[] gaussians(int n, double scale, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = scale * gaussian(random);
    }
    return out;
  }

  /**
   * A pool of {@code skills * perSkill} members: skill s has sketches and embeddings around axis s; the last
   * {@code freshPerSkill} of each skill are fresh. Ids are "s{skill}-{index}" hashed order-free strings.
   */
  static List<Member> pool(int skills, int perSkill, int freshPerSkill, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Member> out = new ArrayList<>();
    int dim = 16;
    for (int s = 0; s < skills; s++) {
      for (int i = 0; i < perSkill; i++) {
        String id = Long.toHexString(Seeds.hash(seed, "s" + s + "-" + i));
        boolean fresh = i >= perSkill - freshPerSkill;
        out.add(Member.of(id, fresh, around(dim, s, 0.15, random), around(dim, s, 0.4, random),
            Math.exp(1 + 0.5 * gaussian(random)), random.nextDouble(), 2 + 0.3 * gaussian(random),
            1 + 0.2 * gaussian(random), random.nextDouble() * 10));
      }
    }
    return out;
  }
}
