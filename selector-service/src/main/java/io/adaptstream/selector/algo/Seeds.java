package io.adaptstream.selector.algo;

import java.nio.charset.StandardCharsets;

/**
 * Derives every seed the selector uses from the experiment seed, so a step is reproducible from (experiment seed,
 * step, cluster) alone and two tasks that must agree (the whole-pool planner and the distributed topology) draw
 * the same numbers.
 *
 * <p>Hand-written rather than taken from a library: the project has no hashing library on the selector's class
 * path, and SplitMix64's finaliser plus FNV-1a over UTF-8 bytes is a few well-known lines whose output is fixed
 * forever (a library upgrade must never change which samples a replay selects).
 */
public final class Seeds {

  /** Purpose tags, so seeds derived for different jobs from the same inputs are unrelated. */
  static final long PURPOSE_KMEANS = 0x4b4d45414e53L;
  static final long PURPOSE_CCS = 0x434353L;
  static final long PURPOSE_UNIFORM = 0x554e49464f524dL;
  static final long PURPOSE_PRUNE = 0x5052554e45L;
  static final long PURPOSE_RESERVOIR = 0x5245534552564fL;

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Seeds() {}

  /** The seed of one cluster's work at one step. */
  public static long forCluster(long experimentSeed, int step, int cluster) {
    return derive(experimentSeed, step, cluster);
  }

  /** The seed of the step-wide clustering (k-means++ initialisation). */
  public static long forClustering(long experimentSeed, int step) {
    return derive(experimentSeed, PURPOSE_KMEANS, step);
  }

  /**
   * The seed of the k-means reservoir's id hash. It depends on the experiment only, not the step, so the same
   * ids stay in the sample from step to step (which keeps warm-started clusters stable).
   */
  public static long forReservoir(long experimentSeed) {
    return derive(experimentSeed, PURPOSE_RESERVOIR);
  }

  /** Mixes any number of parts into one well-spread 64-bit seed; order matters. */
  public static long derive(long seed, long... parts) {
    long h = mix(seed + GOLDEN);
    for (long part : parts) {
      h = mix(h ^ mix(part + GOLDEN));
    }
    return h;
  }

  /** A seeded 64-bit hash of a sample id: stable across JVMs, platforms and releases of this project. */
  public static long hash(long seed, String id) {
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    long h = FNV_OFFSET ^ mix(seed);
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * FNV_PRIME;
    }
    return mix(h ^ bytes.length);
  }

  /** SplitMix64's finaliser (Steele, Lea and Flood 2014): a bijection on 64-bit values with full avalanche. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
