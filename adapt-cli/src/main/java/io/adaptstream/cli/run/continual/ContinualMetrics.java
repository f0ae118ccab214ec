package io.adaptstream.cli.run.continual;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.adaptstream.avro.EvalResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A run's continual-learning metrics as {@code results.json} ({@code "matrix"}), {@code adapt status --json} and
 * the experiment table carry them: the accuracy matrix R[t][j] over skills and over releases, each with its
 * metrics, and the skill matrix's metrics per skill group.
 *
 * <p>Where the cells come from: R[t][j] for t ≥ intro(j) is version t's own evaluation (it is evaluated on the
 * test splits of releases up to its own only); R[intro(j)−1][j] and R[0][j] come from version intro(j)'s incoming
 * evaluation (versions intro(j)−1 and 0 on release intro(j)'s test split, before training), which is what forward
 * transfer needs. Every other cell was not evaluated: null in JSON, never 0. A skill's column is measured on all
 * its test samples in releases up to t, so a skill that a later release brings again is measured on a larger test
 * set from that release on.
 *
 * @param versions the versions, 0 to T, one per matrix row
 * @param skills columns are skills (or a release's name for its samples without a skill label)
 * @param releases columns are releases, each measured on its own test split
 * @param skillGroups the skill matrix's metrics on each skill group's columns alone (the label before its first
 *     '.')
 */
@JsonPropertyOrder({"versions", "skills", "releases", "skillGroups"})
public record ContinualMetrics(List<Integer> versions, Matrix skills, Matrix releases,
    Map<String, Metrics> skillGroups) {

  public ContinualMetrics {
    versions = List.copyOf(versions);
    skillGroups = new TreeMap<>(skillGroups);
  }

  /**
   * One matrix, as JSON: NaN (not evaluated, or no value) is null.
   *
   * @param columns column names, in order of introduction, then name
   * @param introducedAt per column, the version whose release first brought it (0: the base model's release)
   * @param accuracy {@code accuracy[t][j]} in [0, 1], null where not evaluated
   * @param metrics what is read from it
   */
  @JsonPropertyOrder({"columns", "introducedAt", "accuracy", "metrics"})
  public record Matrix(List<String> columns, List<Integer> introducedAt, List<List<Double>> accuracy,
      Metrics metrics) {

    public Matrix {
      columns = List.copyOf(columns);
      introducedAt = List.copyOf(introducedAt);
      List<List<Double>> rows = new ArrayList<>();
      for (List<Double> row : accuracy) {
        rows.add(Collections.unmodifiableList(new ArrayList<>(row)));
      }
      accuracy = List.copyOf(rows);
    }

    static Matrix of(AccuracyMatrix m) {
      List<List<Double>> rows = new ArrayList<>();
      for (int t = 0; t <= m.lastVersion(); t++) {
        List<Double> row = new ArrayList<>();
        for (int j = 0; j < m.columns().size(); j++) {
          row.add(orNull(m.accuracy(t, j)));
        }
        rows.add(row);
      }
      List<Integer> intro = new ArrayList<>();
      for (int j = 0; j < m.columns().size(); j++) {
        intro.add(m.introducedAt(j));
      }
      return new Matrix(m.columns(), intro, rows, Metrics.of(m));
    }

    /** The matrix back as an {@link AccuracyMatrix} (nulls as NaN), to compute from. */
    public AccuracyMatrix toAccuracyMatrix() {
      double[][] cells = new double[accuracy.size()][columns.size()];
      for (int t = 0; t < cells.length; t++) {
        for (int j = 0; j < columns.size(); j++) {
          Double a = accuracy.get(t).get(j);
          cells[t][j] = a == null ? Double.NaN : a;
        }
      }
      return new AccuracyMatrix(columns, introducedAt.stream().mapToInt(Integer::intValue).toArray(), cells);
    }
  }

  /**
   * The metrics of one matrix (see {@link AccuracyMatrix} for the exact definitions); null where there is no value.
   *
   * @param averageAccuracy per version t, the mean of R[t][j] over the columns introduced at t or before
   * @param forgetting per column, max over t in [intro(j), T−1] of R[t][j], minus R[T][j]
   * @param meanForgetting the mean of {@code forgetting} over the columns with a value
   * @param backwardTransfer mean over columns introduced before T of R[T][j] − R[intro(j)][j]
   * @param forwardTransfer mean over columns introduced at 2 or later of R[intro(j)−1][j] − R[0][j]
   */
  @JsonPropertyOrder({"averageAccuracy", "forgetting", "meanForgetting", "backwardTransfer", "forwardTransfer"})
  public record Metrics(List<Double> averageAccuracy, Map<String, Double> forgetting, Double meanForgetting,
      Double backwardTransfer, Double forwardTransfer) {

    public Metrics {
      averageAccuracy = Collections.unmodifiableList(new ArrayList<>(averageAccuracy));
      forgetting = Collections.unmodifiableMap(new LinkedHashMap<>(forgetting));
    }

    static Metrics of(AccuracyMatrix m) {
      AccuracyMatrix.Summary s = m.summary();
      List<Double> avg = new ArrayList<>();
      for (double a : s.averageAccuracy()) {
        avg.add(orNull(a));
      }
      Map<String, Double> forgetting = new LinkedHashMap<>();
      s.forgetting().forEach((c, f) -> forgetting.put(c, orNull(f)));
      return new Metrics(avg, forgetting, orNull(s.meanForgetting()), orNull(s.backwardTransfer()),
          orNull(s.forwardTransfer()));
    }

    /** The average accuracy of the last version, or null. */
    @JsonIgnore
    public Double finalAverageAccuracy() {
      return averageAccuracy.isEmpty() ? null : averageAccuracy.get(averageAccuracy.size() - 1);
    }
  }

  /** The skill group of a skill label: the label up to its first '.'. */
  public static String skillGroup(String skill) {
    int dot = skill.indexOf('.');
    return dot < 0 ? skill : skill.substring(0, dot);
  }

  /**
   * The metrics of versions 0..T from their evaluations.
   *
   * @param evals one per version, version 0 first, in version order with no gap
   * @throws IllegalArgumentException when the versions are not 0..T in order
   */
  public static ContinualMetrics from(List<VersionEval> evals) {
    if (evals.isEmpty()) {
      throw new IllegalArgumentException("no version to build a matrix from");
    }
    for (int t = 0; t < evals.size(); t++) {
      if (evals.get(t).version() != t) {
        throw new IllegalArgumentException("evaluation " + t + " is of version " + evals.get(t).version()
            + "; the matrix needs versions 0.." + (evals.size() - 1) + " in order");
      }
    }
    AccuracyMatrix skills = build(evals, VersionEval::accuracy, i -> i.previousAccuracy(),
        i -> i.baseAccuracy());
    AccuracyMatrix releases = build(evals, VersionEval::releaseAccuracy,
        i -> Map.of(i.release(), i.previousReleaseAccuracy()),
        i -> i.baseReleaseAccuracy() == null ? Map.of() : Map.of(i.release(), i.baseReleaseAccuracy()));
    Map<String, List<String>> groups = new TreeMap<>();
    for (String skill : skills.columns()) {
      groups.computeIfAbsent(skillGroup(skill), g -> new ArrayList<>()).add(skill);
    }
    Map<String, Metrics> byGroup = new TreeMap<>();
    groups.forEach((g, cols) -> byGroup.put(g, Metrics.of(skills.restrictTo(cols))));
    List<Integer> versions = new ArrayList<>();
    for (int t = 0; t < evals.size(); t++) {
      versions.add(t);
    }
    return new ContinualMetrics(versions, Matrix.of(skills), Matrix.of(releases), byGroup);
  }

  /**
   * The metrics of versions 0..{@code last} from the trainer's evaluation records; empty when one of them is
   * missing (or {@code last} is below 0).
   */
  public static Optional<ContinualMetrics> ofRecords(Map<Integer, EvalResult> evals, int last) {
    List<VersionEval> versions = new ArrayList<>();
    for (int t = 0; t <= last; t++) {
      EvalResult e = evals.get(t);
      if (e == null) {
        return Optional.empty();
      }
      versions.add(VersionEval.of(e));
    }
    return versions.isEmpty() ? Optional.empty() : Optional.of(from(versions));
  }

  /**
   * A matrix whose column j is introduced at the first version whose own evaluation has it; its cells at and after
   * that come from the versions' evaluations, and the cells (intro−1, j) and (0, j) from version intro's incoming
   * evaluation.
   */
  private static AccuracyMatrix build(List<VersionEval> evals, Function<VersionEval, Map<String, Double>> own,
      Function<VersionEval.Incoming, Map<String, Double>> previous,
      Function<VersionEval.Incoming, Map<String, Double>> base) {
    Map<String, Integer> intro = new HashMap<>();
    for (VersionEval e : evals) {
      own.apply(e).keySet().forEach(c -> intro.putIfAbsent(c, e.version()));
    }
    List<String> columns = new ArrayList<>(intro.keySet());
    columns.sort(Comparator.<String>comparingInt(intro::get).thenComparing(Comparator.naturalOrder()));
    double[][] cells = new double[evals.size()][columns.size()];
    for (int t = 0; t < cells.length; t++) {
      Map<String, Double> acc = own.apply(evals.get(t));
      for (int j = 0; j < columns.size(); j++) {
        Double a = acc.get(columns.get(j));
        cells[t][j] = a == null ? Double.NaN : a;
      }
    }
    for (VersionEval e : evals) {
      if (e.incoming() == null || e.version() < 1) {
        continue;
      }
      Map<String, Double> before = previous.apply(e.incoming());
      Map<String, Double> atBase = base.apply(e.incoming());
      for (int j = 0; j < columns.size(); j++) {
        String c = columns.get(j);
        if (intro.get(c) != e.version()) {
          continue;
        }
        if (before.containsKey(c)) {
          cells[e.version() - 1][j] = before.get(c);
        }
        if (atBase.containsKey(c) && e.version() > 1) {
          cells[0][j] = atBase.get(c);
        }
      }
    }
    return new AccuracyMatrix(columns, columns.stream().mapToInt(intro::get).toArray(), cells);
  }

  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
