package io.adaptstream.benchmark;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Every random choice of the generator comes from a stream named after what it decides
 * ({@code items|r1-llava-mix|train|vqa.colour}, {@code noise|...}), seeded from the benchmark seed and that
 * name. A choice therefore never depends on how many numbers another part of the generator happened to draw,
 * and the same seed gives the same files.
 *
 * <p>Not the selector's {@code Seeds} (number-keyed seeds for its steps and clusters): the two derive differently
 * and neither may change, since each pins what a seed produces (these files, that selection).
 */
final class RandomStreams {

  private RandomStreams() {}

  /** A 64-bit seed for {@code label}: the first 8 bytes of SHA-256("seed/label"). */
  static long derive(long seed, String label) {
    return ByteBuffer.wrap(sha256((seed + "/" + label).getBytes(StandardCharsets.UTF_8))).getLong();
  }

  static SplittableRandom stream(long seed, String label) {
    return new SplittableRandom(derive(seed, label));
  }

  /** Fisher–Yates with the given stream (written out so the order is fixed by this code, not by a JDK version). */
  static <T> void shuffle(List<T> list, SplittableRandom rng) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      T tmp = list.get(i);
      list.set(i, list.get(j));
      list.set(j, tmp);
    }
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256(bytes));
  }
}
