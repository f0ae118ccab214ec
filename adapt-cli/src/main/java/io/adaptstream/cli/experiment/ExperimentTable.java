package io.adaptstream.cli.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.adaptstream.cli.demo.DemoReport;
import io.adaptstream.cli.demo.DemoResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The comparison table, computed only from the runs' {@code results.json}: per method, the mean and standard
 * deviation over seeds of the final average accuracy, the forgetting and the relative gain (final average accuracy
 * as a percentage of {@code multitask}'s at the same seed, the paper's measure), the samples trained, the wall time
 * and the final accuracy per skill group. Per-seed numbers and each run's {@code results.json} stay in it.
 *
 * @param methods one row per method, in the order they were asked for
 * @param notes what a reader must know (e.g. no multitask, so no relative gain)
 */
@JsonPropertyOrder({"methods", "notes"})
public record ExperimentTable(List<Row> methods, List<String> notes) {

  /** The reference method of the relative gain. */
  public static final String REFERENCE = "multitask";
  public static final String FILE_NAME = "table.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ExperimentTable {
    methods = List.copyOf(methods);
    notes = List.copyOf(notes);
  }

  /** Mean and standard deviation over seeds (sample deviation; 0 with one seed). */
  public record Stat(double mean, double std) {
    static Stat of(List<Double> values) {
      int n = values.size();
      double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      if (n < 2) {
        return new Stat(mean, 0);
      }
      double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
      return new Stat(mean, Math.sqrt(ss / (n - 1)));
    }
  }

  /**
   * One method.
   *
   * @param relativeGain null when {@code multitask} is not in the experiment (or scored 0)
   * @param samplesTrained samples trained over all steps (step 0 excluded), mean over seeds
   * @param wallSeconds a run's wall time, mean over seeds
   * @param groups final accuracy per skill group (the label before the first '.'), mean over seeds
   */
  @JsonPropertyOrder({"method", "finalAvgAccuracy", "forgetting", "relativeGain", "samplesTrained", "wallSeconds",
      "groups", "seeds"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Row(String method, Stat finalAvgAccuracy, Stat forgetting, Stat relativeGain, long samplesTrained,
      double wallSeconds, Map<String, Double> groups, List<SeedRun> seeds) {}

  /** One run's raw numbers. */
  @JsonPropertyOrder({"seed", "runId", "results", "finalAvgAccuracy", "forgetting", "relativeGain",
      "samplesTrained", "wallSeconds", "groups"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SeedRun(long seed, String runId, String results, double finalAvgAccuracy, double forgetting,
      Double relativeGain, long samplesTrained, double wallSeconds, Map<String, Double> groups) {}

  /** A run of the table with its result as read from its {@code results.json}. */
  public record Run(String method, long seed, String runId, Path resultsFile, DemoResult result) {
    public static Run read(ExperimentJob.Outcome o) throws IOException {
      return new Run(o.method(), o.seed(), o.runId(), o.runDir().resolve(DemoReport.RESULTS),
          DemoReport.readResults(o.runDir()));
    }
  }

  /** The table of {@code runs}, rows in the order their methods first appear. */
  public static ExperimentTable of(List<Run> runs) {
    List<String> notes = new ArrayList<>();
    Map<Long, Double> reference = new TreeMap<>();
    runs.stream().filter(r -> r.method().equals(REFERENCE))
        .forEach(r -> reference.put(r.seed(), r.result().finalAvgAccuracy()));
    if (reference.isEmpty()) {
      notes.add("multitask is not among the methods: no relative gain");
    } else if (reference.values().stream().anyMatch(v -> v <= 0)) {
      notes.add("multitask's final average accuracy is 0 at some seed: no relative gain there");
    }
    Map<String, List<Run>> byMethod = new LinkedHashMap<>();
    runs.forEach(r -> byMethod.computeIfAbsent(r.method(), m -> new ArrayList<>()).add(r));
    List<Row> rows = new ArrayList<>();
    byMethod.forEach((method, list) -> {
      List<SeedRun> seeds = new ArrayList<>();
      for (Run r : list) {
        Double ref = reference.get(r.seed());
        Double gain = ref == null || ref <= 0 ? null : 100 * r.result().finalAvgAccuracy() / ref;
        seeds.add(new SeedRun(r.seed(), r.runId(), r.resultsFile().toString(), r.result().finalAvgAccuracy(),
            r.result().forgetting(), gain, samplesTrained(r.result()), r.result().seconds(), groups(r.result())));
      }
      List<Double> gains = seeds.stream().map(SeedRun::relativeGain).filter(Objects::nonNull).toList();
      rows.add(new Row(method,
          Stat.of(seeds.stream().map(SeedRun::finalAvgAccuracy).toList()),
          Stat.of(seeds.stream().map(SeedRun::forgetting).toList()),
          gains.isEmpty() ? null : Stat.of(gains),
          Math.round(seeds.stream().mapToLong(SeedRun::samplesTrained).average().orElse(0)),
          seeds.stream().mapToDouble(SeedRun::wallSeconds).average().orElse(0),
          meanGroups(seeds), seeds));
    });
    return new ExperimentTable(rows, notes);
  }

  /** Samples trained over the steps after the base model. */
  static long samplesTrained(DemoResult r) {
    return r.steps().stream().filter(s -> s.step() > 0).mapToLong(DemoResult.Step::trainedSamples).sum();
  }

  /** The group of a skill label: what comes before its first '.' ({@code multilingual.colour_zh} → multilingual). */
  public static String group(String skill) {
    int dot = skill.indexOf('.');
    return dot < 0 ? skill : skill.substring(0, dot);
  }

  /** The accuracy per group at one step: the mean over the group's skills. */
  public static Map<String, Double> groups(Map<String, Double> accuracy) {
    Map<String, List<Double>> m = new TreeMap<>();
    accuracy.forEach((skill, a) -> m.computeIfAbsent(group(skill), g -> new ArrayList<>()).add(a));
    Map<String, Double> out = new TreeMap<>();
    m.forEach((g, list) -> out.put(g, list.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
    return out;
  }

  /** The final accuracy per group. */
  static Map<String, Double> groups(DemoResult r) {
    return groups(r.steps().get(r.steps().size() - 1).accuracy());
  }

  private static Map<String, Double> meanGroups(List<SeedRun> seeds) {
    Map<String, List<Double>> m = new TreeMap<>();
    seeds.forEach(s -> s.groups().forEach((g, a) -> m.computeIfAbsent(g, k -> new ArrayList<>()).add(a)));
    Map<String, Double> out = new TreeMap<>();
    m.forEach((g, list) -> out.put(g, list.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
    return out;
  }

  /** Every group of any row, sorted. */
  public List<String> groupNames() {
    TreeSet<String> all = new TreeSet<>();
    methods.forEach(r -> all.addAll(r.groups().keySet()));
    return List.copyOf(all);
  }

  public void write(Path file) throws IOException {
    JSON.writeValue(file.toFile(), this);
  }

  public static ExperimentTable read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), ExperimentTable.class);
  }
}
