package io.adaptstream.cli.run.continual;

import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.IncomingEval;
import java.util.HashMap;
import java.util.Map;

/**
 * What the matrix needs of one model version's evaluation record, without Kafka or Avro types: its accuracy per
 * skill and per release on the test splits of releases up to its own, and the incoming evaluation made before it
 * was trained.
 *
 * @param version t
 * @param accuracy per skill (per release for samples without a skill label), on releases with sequence ≤ t
 * @param releaseAccuracy per release with sequence ≤ t, the mean score over its test samples; empty when the
 *     record predates it
 * @param incoming versions t−1 and 0 on release t's test split; null when not recorded
 */
public record VersionEval(int version, Map<String, Double> accuracy, Map<String, Double> releaseAccuracy,
    Incoming incoming) {

  public VersionEval {
    accuracy = Map.copyOf(accuracy);
    releaseAccuracy = Map.copyOf(releaseAccuracy);
  }

  /** The parts of a trainer's evaluation record the matrix reads. */
  public static VersionEval of(EvalResult e) {
    IncomingEval in = e.getIncoming();
    Incoming incoming = in == null ? null : new Incoming(in.getRelease(), strings(in.getPreviousAccuracy()),
        in.getPreviousReleaseAccuracy(), strings(in.getBaseAccuracy()), in.getBaseReleaseAccuracy());
    return new VersionEval(e.getVersion(), strings(e.getAccuracy()), strings(e.getReleaseAccuracy()), incoming);
  }

  /** Avro maps key by CharSequence (Utf8 when read from a topic): as String keys. */
  private static Map<String, Double> strings(Map<? extends CharSequence, Double> m) {
    Map<String, Double> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k.toString(), v));
    return out;
  }

  /**
   * Versions t−1 and 0 on release t's test split, evaluated before version t was trained.
   *
   * @param release release t
   * @param previousAccuracy version t−1, per skill of release t
   * @param previousReleaseAccuracy version t−1, mean over release t's test samples
   * @param baseAccuracy version 0, per skill of release t; empty when not evaluated
   * @param baseReleaseAccuracy version 0, mean over release t's test samples; null when not evaluated
   */
  public record Incoming(String release, Map<String, Double> previousAccuracy, double previousReleaseAccuracy,
      Map<String, Double> baseAccuracy, Double baseReleaseAccuracy) {

    public Incoming {
      previousAccuracy = Map.copyOf(previousAccuracy);
      baseAccuracy = Map.copyOf(baseAccuracy);
    }
  }
}
