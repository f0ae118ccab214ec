package io.adaptstream.scoring;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Score records this service wrote to one scores partition, per step, since the last marker of that step it
 * forwarded there: the {@code count} the next forwarded marker carries.
 *
 * <p>The counts are part of the partition's progress, so they travel with its committed offset as the
 * {@link org.apache.kafka.clients.consumer.OffsetAndMetadata} metadata string, committed in the same transaction
 * as the scores they count. Whoever owns the partition next (this worker after a crash, another after a
 * rebalance) restores exactly the counts that belong to the offset it resumes from. Steps are removed when
 * their marker is forwarded, so the string stays a few bytes long (Kafka caps it at
 * {@code offset.metadata.max.bytes}, 4096 by default).
 *
 * <p>Encoding: {@code v1:} then {@code step=count} pairs in step order, comma-separated ({@code v1:3=17,4=2});
 * an offset committed without metadata reads as no counts.
 */
final class StepCounts {

  static final String VERSION = "v1:";
  /** Well under Kafka's default {@code offset.metadata.max.bytes} (4096). */
  static final int MAX_ENCODED = 4000;

  private final TreeMap<Integer, Long> counts;

  private StepCounts(TreeMap<Integer, Long> counts) {
    this.counts = counts;
  }

  static StepCounts empty() {
    return new StepCounts(new TreeMap<>());
  }

  StepCounts copy() {
    return new StepCounts(new TreeMap<>(counts));
  }

  /** Counts one score record of {@code step}. */
  void add(int step) {
    counts.merge(step, 1L, Long::sum);
  }

  /** The count for the marker of {@code step} being forwarded now; the step starts again from zero. */
  long close(int step) {
    Long n = counts.remove(step);
    return n == null ? 0L : n;
  }

  long get(int step) {
    return counts.getOrDefault(step, 0L);
  }

  /** The open steps and their counts, in step order. */
  Map<Integer, Long> asMap() {
    return Map.copyOf(counts);
  }

  String encode() {
    StringJoiner out = new StringJoiner(",", VERSION, "");
    counts.forEach((step, n) -> out.add(step + "=" + n));
    String s = out.toString();
    if (s.length() > MAX_ENCODED) {
      throw new IllegalStateException(counts.size() + " steps have score records but no forwarded marker; their "
          + "counts (" + s.length() + " characters) no longer fit in the offset metadata. Markers are missing "
          + "from the score requests.");
    }
    return s;
  }

  /** Reads {@link #encode()} output; null or empty metadata (no commit, or a commit without it) is no counts. */
  static StepCounts decode(String metadata) {
    TreeMap<Integer, Long> counts = new TreeMap<>();
    if (metadata == null || metadata.isEmpty()) {
      return new StepCounts(counts);
    }
    if (!metadata.startsWith(VERSION)) {
      throw new IllegalStateException("the committed offset metadata '" + clip(metadata) + "' was not written by "
          + "this version of the scoring service (expected it to start with '" + VERSION + "')");
    }
    String body = metadata.substring(VERSION.length());
    if (body.isEmpty()) {
      return new StepCounts(counts);
    }
    for (String pair : body.split(",", -1)) {
      int eq = pair.indexOf('=');
      try {
        if (eq < 0) {
          throw new NumberFormatException("no '='");
        }
        int step = Integer.parseInt(pair.substring(0, eq));
        long n = Long.parseLong(pair.substring(eq + 1));
        if (n < 0 || counts.put(step, n) != null) {
          throw new NumberFormatException(n < 0 ? "negative count" : "step " + step + " twice");
        }
      } catch (NumberFormatException e) {
        throw new IllegalStateException("malformed step counts in the committed offset metadata '"
            + clip(metadata) + "': " + e.getMessage(), e);
      }
    }
    return new StepCounts(counts);
  }

  private static String clip(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StepCounts other && counts.equals(other.counts);
  }

  @Override
  public int hashCode() {
    return counts.hashCode();
  }

  @Override
  public String toString() {
    return "StepCounts" + counts;
  }
}
