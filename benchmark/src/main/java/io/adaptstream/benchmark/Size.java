package io.adaptstream.benchmark;

/**
 * How big a generated benchmark is. {@link #QUICK} keeps the same design (mixes, defect rates, skills) at about a
 * quarter of the task releases' train samples of {@link #FULL}, with the same pretraining release and the same 50
 * tests per skill: it is the size of smoke runs,
 * tests and, for cost, of the main comparison table (docs/benchmark.md, "The main table's data size").
 */
public enum Size {
  FULL(4, 50),
  QUICK(1, 50);

  private final int quarters;
  private final int testPerSkill;

  Size(int quarters, int testPerSkill) {
    this.quarters = quarters;
    this.testPerSkill = testPerSkill;
  }

  /** Train samples of a task release whose FULL size is {@code fullTrain}. */
  int train(int fullTrain) {
    return (int) Math.round(fullTrain * quarters / 4.0);
  }

  /**
   * Train samples of {@code release}. The pretraining release has its FULL size at every size: the base model's
   * cost is set by its optimizer steps, not by the release's size, and the protocol's pretraining steps were
   * chosen on the FULL pretraining release (at a quarter of it the same steps overfit: docs/benchmark.md, change
   * log).
   */
  int train(ReleaseSpec release) {
    return release.role() == Manifest.Role.PRETRAIN ? release.fullTrain() : train(release.fullTrain());
  }

  /**
   * Held-out test samples per tested skill (each is tested once, in the release that introduces it). 50 at both sizes
   * so a per-skill accuracy has a standard error of at most about 0.07 (issue 15).
   */
  int testPerSkill() {
    return testPerSkill;
  }
}
