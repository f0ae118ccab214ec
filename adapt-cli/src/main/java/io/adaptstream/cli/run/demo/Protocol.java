package io.adaptstream.cli.run.demo;

import io.adaptstream.benchmark.Size;
import io.adaptstream.selector.SelectorConfig;
import io.adaptstream.trainer.TrainerConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The settings a run is trained under, one place for {@code adapt demo}, {@code adapt local up} and
 * {@code adapt experiment}, so that what a user sees in a demo or in continuous mode is what the comparison table
 * measured (issue 15). They are overrides of the services' own keys, recorded in {@code run.json} and reused by a
 * replay; the benchmark itself is never changed, and a user's {@code --set} still wins over them.
 *
 * <p>Two compute modes:
 * <ul>
 *   <li>{@link Compute#EQUAL} (the default): every method makes the same number of optimizer steps per time step
 *   ({@code trainer.steps}), drawn from its own training set, so that the comparison varies what a method selects
 *   and nothing else. Without it, sequential and multitask get 4 to 11 times the Adam steps of the budgeted
 *   methods and the table ranks compute, not data choice.
 *   <li>{@link Compute#AS_DEFINED}: each method trains as it is defined (8 epochs over whatever it has), the
 *   settings of the table before the equal-compute protocol, kept so that table can still be reproduced.
 * </ul>
 */
public record Protocol(Compute compute, Size size) {

  // Decided by the knee sweep (docs/benchmark.md, "The comparison protocol"; docs/results/knee/sweep.jsonl):
  // P = 2000 pretraining steps, S = 200 steps per time step, B = 100 samples per step. The pool caps are the
  // benchmark sizes' (FULL 1500, QUICK 400). Change them only through that section.
  /** FULL: optimizer steps per time step (S), pretraining steps (P), selection budget (B), pool cap (C). */
  static final int FULL_STEPS = 200;
  static final int FULL_PRETRAIN_STEPS = 2000;
  static final int FULL_BUDGET = 100;
  static final int FULL_POOL_CAP = 1500;
  /** QUICK: the same four (the main comparison table runs at QUICK size). */
  static final int QUICK_STEPS = 200;
  static final int QUICK_PRETRAIN_STEPS = 2000;
  static final int QUICK_BUDGET = 100;
  static final int QUICK_POOL_CAP = 400;
  /** Budget and pool cap of the as-defined mode: those of the table before the protocol, per size. */
  static final int AS_DEFINED_FULL_BUDGET = 400;
  static final int AS_DEFINED_QUICK_BUDGET = 120;

  /** Samples per optimizer step: small batches give more Adam steps from few samples (docs/benchmarks.md). */
  static final int BATCH_SIZE = 8;
  /** Test samples decoded together in equal mode: batched greedy decoding gains from wider batches. */
  static final int EVAL_BATCH_SIZE = 32;
  /** Epochs of the as-defined mode, for every time step and for pretraining. */
  public static final int AS_DEFINED_EPOCHS = 8;
  /** Evaluation batch of the as-defined mode, as the table before the protocol was made with. */
  static final int AS_DEFINED_EVAL_BATCH_SIZE = 8;

  /** How much each method trains per time step. */
  public enum Compute {
    /** The same optimizer steps per time step for every method. */
    EQUAL("equal"),
    /** Each method's own definition (epochs over its training set). */
    AS_DEFINED("as-defined");

    private final String label;

    Compute(String label) {
      this.label = label;
    }

    /** The name on the command line and in the records ({@code equal}, {@code as-defined}). */
    public String label() {
      return label;
    }

    /** The mode named {@code label} (case-insensitive). */
    public static Compute parse(String label) {
      for (Compute c : values()) {
        if (c.label.equalsIgnoreCase(label.trim())) {
          return c;
        }
      }
      throw new IllegalArgumentException("unknown compute mode '" + label + "'; valid: equal, as-defined");
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** The protocol of {@code adapt local up}: the FULL equal-compute settings. */
  public static Protocol continuous() {
    return new Protocol(Compute.EQUAL, Size.FULL);
  }

  /** The service overrides of this protocol, in a stable order. */
  public Map<String, String> overrides() {
    boolean quick = size == Size.QUICK;
    Map<String, String> m = new LinkedHashMap<>();
    m.put(TrainerConfig.BATCH_SIZE, Integer.toString(BATCH_SIZE));
    m.put(SelectorConfig.POOL_CAP, Integer.toString(quick ? QUICK_POOL_CAP : FULL_POOL_CAP));
    if (compute == Compute.EQUAL) {
      m.put(TrainerConfig.EVAL_BATCH_SIZE, Integer.toString(EVAL_BATCH_SIZE));
      m.put(SelectorConfig.BUDGET, Integer.toString(quick ? QUICK_BUDGET : FULL_BUDGET));
      m.put(TrainerConfig.STEPS, Integer.toString(quick ? QUICK_STEPS : FULL_STEPS));
      m.put(TrainerConfig.PRETRAIN_STEPS, Integer.toString(quick ? QUICK_PRETRAIN_STEPS : FULL_PRETRAIN_STEPS));
    } else {
      // greedy decoding ran each batch until its longest answer ended: small batches wasted less then
      m.put(TrainerConfig.EVAL_BATCH_SIZE, Integer.toString(AS_DEFINED_EVAL_BATCH_SIZE));
      m.put(SelectorConfig.BUDGET, Integer.toString(quick ? AS_DEFINED_QUICK_BUDGET : AS_DEFINED_FULL_BUDGET));
      m.put(TrainerConfig.EPOCHS, Integer.toString(AS_DEFINED_EPOCHS));
      m.put(TrainerConfig.PRETRAIN_EPOCHS, Integer.toString(AS_DEFINED_EPOCHS));
    }
    return m;
  }

  /**
   * One sentence on how much every method trained under the effective {@code settings} (the protocol's overrides
   * with the user's on top, which decide: a {@code --set trainer.steps=N} makes any mode a steps mode), for an
   * experiment's notes.
   */
  public static String describe(Map<String, String> settings) {
    String steps = settings.getOrDefault(TrainerConfig.STEPS, "0");
    if (!"0".equals(steps.trim())) {
      return String.format(Locale.ROOT, "equal compute: every method made %s optimizer steps per time step (batch "
          + "%s) drawn from its own training set: sequential from the new release, multitask from all data so far, "
          + "the budgeted methods from their selection (%s=%s)", steps.trim(),
          settings.getOrDefault(TrainerConfig.BATCH_SIZE, "?"), SelectorConfig.BUDGET,
          settings.getOrDefault(SelectorConfig.BUDGET, "?"));
    }
    return String.format(Locale.ROOT, "compute as each method defines it: %s epochs over its training set per "
        + "time step, so methods with more data make more optimizer steps (sequential: all of the new release, "
        + "multitask: all data so far, lite: a quarter of %s=%s, the others the budget)",
        settings.getOrDefault(TrainerConfig.EPOCHS, "the trainer's default"), SelectorConfig.BUDGET,
        settings.getOrDefault(SelectorConfig.BUDGET, "?"));
  }
}
