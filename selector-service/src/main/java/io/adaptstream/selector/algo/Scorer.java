package io.adaptstream.selector.algo;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The per-sample scores a scoring worker reports, and how the selector reads each one.
 *
 * <p>Perplexity is used as log-perplexity, as the reference's {@code load_scores} does: perplexities are
 * heavy-tailed, and equal-width strata over raw perplexity would put nearly every sample in the lowest stratum. A
 * perplexity that is not positive has no logarithm and reads as missing (NaN).
 */
public enum Scorer {
  PERPLEXITY("perplexity"),
  EL2N("el2n"),
  ENTROPY("entropy"),
  GROUNDING("grounding"),
  /** Gradient norm; computed, but not in the default pool (the paper's pool has the other four). */
  GRAND("grand");

  /** The paper's multi-way pool, in tie-breaking order. */
  public static final List<Scorer> DEFAULT_POOL = List.of(PERPLEXITY, EL2N, ENTROPY, GROUNDING);

  private final String label;

  Scorer(String label) {
    this.label = label;
  }

  /** The lowercase name used in configs, selections and reports. */
  public String label() {
    return label;
  }

  /** The value the selector ranks and bins: log for perplexity, the raw score otherwise. */
  public double transform(double raw) {
    if (this == PERPLEXITY) {
      return raw > 0 ? Math.log(raw) : Double.NaN;
    }
    return raw;
  }

  public static Scorer byName(String name) {
    for (Scorer s : values()) {
      if (s.label.equals(name.toLowerCase(Locale.ROOT).trim())) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scorer '" + name + "'; valid: "
        + Arrays.stream(values()).map(Scorer::label).collect(Collectors.joining(", ")));
  }

  /** Parses a comma-separated pool, e.g. {@code "perplexity,el2n"}; order is the tie-breaking order. */
  public static List<Scorer> parsePool(String csv) {
    List<Scorer> pool = Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .map(Scorer::byName).distinct().toList();
    if (pool.isEmpty()) {
      throw new IllegalArgumentException("scorer pool is empty; valid scorers: " + EnumSet.allOf(Scorer.class));
    }
    return pool;
  }
}
