package io.adaptstream.cli.run.continual;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

/**
 * The accuracy matrix R[t][j] of a run: the accuracy of model version t (the model after step t; 0 is the base
 * model) on column j (a skill, or a release's test split), and the transfer metrics the continual-learning
 * literature reads from it.
 *
 * <p>A column is <em>introduced</em> at the step whose release first brings it (0 for what the base model was
 * trained on). For a release column that is the release's own step; for a skill column, the first release that
 * holds the skill. With that, the definitions of Lopez-Paz &amp; Ranzato (2017) carry over from "task j" to any
 * column: backward transfer compares the final model with the model just after the column came in, forward
 * transfer the model just before it came in with the base model (version 0 plays the part of their
 * randomly-initialised reference b). Forgetting is Chaudhry et al.'s (2018): the best accuracy a column had from
 * its introduction to version T−1, minus its final accuracy.
 *
 * <p>Forward transfer counts the columns introduced at step 2 or later only: for a column introduced at step 1 the
 * model just before it is version 0 itself, so its term R[0][j] − R[0][j] is 0 by construction and would only
 * pull the mean towards 0 (Lopez-Paz &amp; Ranzato likewise sum from the second task, over T−1 tasks).
 *
 * <p>A cell that was not evaluated is {@link Double#NaN}; every mean skips NaN terms and is NaN when none is left,
 * so a missing evaluation never turns into a zero.
 */
public final class AccuracyMatrix {

  private final List<String> columns;
  private final int[] introducedAt;
  private final double[][] r;

  /**
   * @param columns the column names, in display order
   * @param introducedAt for each column, the step that first brought it (0 to the last version)
   * @param accuracy {@code accuracy[t][j]}: version t on column j, in [0, 1] or NaN; one row per version 0..T
   */
  public AccuracyMatrix(List<String> columns, int[] introducedAt, double[][] accuracy) {
    this.columns = List.copyOf(columns);
    if (introducedAt.length != this.columns.size()) {
      throw new IllegalArgumentException("introducedAt has " + introducedAt.length + " entries for "
          + this.columns.size() + " columns");
    }
    if (accuracy.length == 0) {
      throw new IllegalArgumentException("the matrix needs at least the base model's row (version 0)");
    }
    this.r = new double[accuracy.length][];
    for (int t = 0; t < accuracy.length; t++) {
      if (accuracy[t].length != this.columns.size()) {
        throw new IllegalArgumentException("row " + t + " has " + accuracy[t].length + " cells for "
            + this.columns.size() + " columns");
      }
      for (double a : accuracy[t]) {
        if (!Double.isNaN(a) && (a < 0 || a > 1)) {
          throw new IllegalArgumentException("accuracy " + a + " in row " + t + " is outside [0, 1]");
        }
      }
      this.r[t] = accuracy[t].clone();
    }
    for (int j = 0; j < introducedAt.length; j++) {
      if (introducedAt[j] < 0 || introducedAt[j] > lastVersion()) {
        throw new IllegalArgumentException("column " + this.columns.get(j) + " introduced at step "
            + introducedAt[j] + ", outside 0.." + lastVersion());
      }
    }
    this.introducedAt = introducedAt.clone();
  }

  /**
   * Builds the matrix from per-version accuracies by column name; a column a version was not evaluated on is NaN.
   *
   * @param accuracyByVersion one map per version 0..T, column name to accuracy
   * @param introducedAt column name to the step that first brought it; its key order is the column order
   */
  public static AccuracyMatrix of(List<Map<String, Double>> accuracyByVersion, Map<String, Integer> introducedAt) {
    List<String> cols = new ArrayList<>(introducedAt.keySet());
    double[][] cells = new double[accuracyByVersion.size()][cols.size()];
    for (int t = 0; t < cells.length; t++) {
      for (int j = 0; j < cols.size(); j++) {
        Double a = accuracyByVersion.get(t).get(cols.get(j));
        cells[t][j] = a == null ? Double.NaN : a;
      }
    }
    return new AccuracyMatrix(cols, cols.stream().mapToInt(introducedAt::get).toArray(), cells);
  }

  /** The column names. */
  public List<String> columns() {
    return columns;
  }

  /** T: the last model version in the matrix. */
  public int lastVersion() {
    return r.length - 1;
  }

  /** R[t][j], NaN where not evaluated. */
  public double accuracy(int version, int column) {
    return r[version][column];
  }

  /** The step that first brought column j. */
  public int introducedAt(int column) {
    return introducedAt[column];
  }

  /** The matrix restricted to the named columns (a skill group), in this matrix's order. */
  public AccuracyMatrix restrictTo(Collection<String> names) {
    List<Integer> keep = new ArrayList<>();
    for (int j = 0; j < columns.size(); j++) {
      if (names.contains(columns.get(j))) {
        keep.add(j);
      }
    }
    double[][] cells = new double[r.length][keep.size()];
    for (int t = 0; t < r.length; t++) {
      for (int k = 0; k < keep.size(); k++) {
        cells[t][k] = r[t][keep.get(k)];
      }
    }
    return new AccuracyMatrix(keep.stream().map(columns::get).toList(),
        keep.stream().mapToInt(j -> introducedAt[j]).toArray(), cells);
  }

  /**
   * Average accuracy after each step: for version t, the mean of R[t][j] over the columns brought by step t or
   * earlier (what the model has been taught so far).
   */
  public double[] averageAccuracy() {
    double[] out = new double[r.length];
    for (int t = 0; t < r.length; t++) {
      final int version = t;
      out[t] = mean(indices().filter(j -> introducedAt[j] <= version).mapToDouble(j -> r[version][j]));
    }
    return out;
  }

  /**
   * Forgetting of each column: max over versions t from its introduction to T−1 of R[t][j], minus R[T][j]; NaN
   * for a column introduced at the last step (nothing to forget yet).
   */
  public Map<String, Double> forgetting() {
    Map<String, Double> out = new LinkedHashMap<>();
    int last = lastVersion();
    for (int j = 0; j < columns.size(); j++) {
      double best = Double.NaN;
      for (int t = introducedAt[j]; t < last; t++) {
        if (!Double.isNaN(r[t][j]) && (Double.isNaN(best) || r[t][j] > best)) {
          best = r[t][j];
        }
      }
      out.put(columns.get(j), best - r[last][j]);
    }
    return out;
  }

  /** The mean of {@link #forgetting()} over the columns that have a value. */
  public double meanForgetting() {
    return mean(forgetting().values().stream().mapToDouble(Double::doubleValue));
  }

  /** Backward transfer: the mean over columns introduced before T of R[T][j] − R[intro(j)][j]. */
  public double backwardTransfer() {
    int last = lastVersion();
    return mean(indices().filter(j -> introducedAt[j] < last)
        .mapToDouble(j -> r[last][j] - r[introducedAt[j]][j]));
  }

  /**
   * Forward transfer: the mean over columns introduced at step 2 or later of R[intro(j)−1][j] − R[0][j], what
   * the steps before a column did for it before it was ever trained on (see the class comment for why step 1's
   * columns are left out).
   */
  public double forwardTransfer() {
    return mean(indices().filter(j -> introducedAt[j] >= 2)
        .mapToDouble(j -> r[introducedAt[j] - 1][j] - r[0][j]));
  }

  /** All of this matrix's metrics in one value, for results and tables. */
  public Summary summary() {
    return new Summary(averageAccuracy(), forgetting(), meanForgetting(), backwardTransfer(), forwardTransfer());
  }

  /**
   * The metrics of one matrix.
   *
   * @param averageAccuracy after each step 0..T
   * @param forgetting per column (NaN where nothing can be forgotten yet)
   * @param meanForgetting mean over the columns with a value
   * @param backwardTransfer BWT (Lopez-Paz &amp; Ranzato 2017)
   * @param forwardTransfer FWT, against the base model
   */
  public record Summary(double[] averageAccuracy, Map<String, Double> forgetting, double meanForgetting,
      double backwardTransfer, double forwardTransfer) {

    @Override
    public boolean equals(Object o) {
      return o instanceof Summary s && Arrays.equals(averageAccuracy, s.averageAccuracy)
          && forgetting.equals(s.forgetting) && Double.compare(meanForgetting, s.meanForgetting) == 0
          && Double.compare(backwardTransfer, s.backwardTransfer) == 0
          && Double.compare(forwardTransfer, s.forwardTransfer) == 0;
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(averageAccuracy), forgetting, meanForgetting, backwardTransfer,
          forwardTransfer);
    }

    @Override
    public String toString() {
      return "Summary[averageAccuracy=" + Arrays.toString(averageAccuracy) + ", forgetting=" + forgetting
          + ", meanForgetting=" + meanForgetting + ", backwardTransfer=" + backwardTransfer
          + ", forwardTransfer=" + forwardTransfer + "]";
    }
  }

  private IntStream indices() {
    return IntStream.range(0, columns.size());
  }

  private static double mean(DoubleStream values) {
    double[] kept = values.filter(v -> !Double.isNaN(v)).toArray();
    return kept.length == 0 ? Double.NaN : Arrays.stream(kept).sum() / kept.length;
  }
}
