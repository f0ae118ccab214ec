package io.adaptstream.selector.algo;

import java.util.Objects;

/**
 * One pool sample as the selector sees it at a step: what the current model says about it.
 *
 * @param id sample id (sha256 of its content); members are always handled in id order
 * @param fresh whether it belongs to this step's new release
 * @param sketch L2-normalised projected gradient, for clustering; may be null where no clustering runs
 * @param embedding hidden-state embedding, for redundancy pruning; may be null where no pruning runs
 * @param rawScores raw scores indexed by {@link Scorer#ordinal()} (perplexity as perplexity, not its log)
 */
public record Member(String id, boolean fresh, float[] sketch, float[] embedding, double[] rawScores) {

  public Member {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(rawScores, "rawScores");
    if (rawScores.length != Scorer.values().length) {
      throw new IllegalArgumentException("sample " + id + ": expected " + Scorer.values().length + " scores, got "
          + rawScores.length);
    }
  }

  /** A member from the five scores a scoring worker reports. */
  public static Member of(String id, boolean fresh, float[] sketch, float[] embedding, double perplexity,
      double el2n, double entropy, double grounding, double grand) {
    double[] raw = new double[Scorer.values().length];
    raw[Scorer.PERPLEXITY.ordinal()] = perplexity;
    raw[Scorer.EL2N.ordinal()] = el2n;
    raw[Scorer.ENTROPY.ordinal()] = entropy;
    raw[Scorer.GROUNDING.ordinal()] = grounding;
    raw[Scorer.GRAND.ordinal()] = grand;
    return new Member(id, fresh, sketch, embedding, raw);
  }

  /** The score the selector ranks by ({@link Scorer#transform} of the raw value). */
  public double score(Scorer scorer) {
    return scorer.transform(rawScores[scorer.ordinal()]);
  }
}
