package io.adaptstream.cli.run.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.adaptstream.cli.run.continual.ContinualMetrics;
import io.adaptstream.cli.run.demo.DemoReport;
import io.adaptstream.cli.run.demo.DemoResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The comparison table, computed only from the runs' {@code results.json} (and, for the diagnostics, their
 * {@code selections.json} and the benchmark's annotations): per method, the mean and standard deviation over seeds
 * of the final average accuracy, the forgetting and the relative gain (final average accuracy as a percentage of
 * the gain reference's at the same seed, the paper's measure), each with a 95% bootstrap interval
 * ({@link Bootstrap}: seeds and, within a seed, test samples per skill), the samples trained, the optimizer steps
 * and sample passes, the wall time, the final accuracy per skill group; the paired differences of
 * {@link PairedDifferences#REFERENCE} against every other method; and per step the {@link Diagnostics}. Per-seed
 * numbers and each run's {@code results.json} stay in it. Fields are only ever added, so older readers still read it.
 *
 * @param methods one row per method, in the order they were asked for
 * @param gainReference the method relative gain is measured against (null when none of
 *     {@link #GAIN_REFERENCES} ran)
 * @param pairedDifferences null when {@link PairedDifferences#REFERENCE} is not among the methods
 * @param bootstrap how the intervals were computed
 * @param notes what a reader must know (e.g. no multitask, so no relative gain)
 */
@JsonPropertyOrder({"methods", "gainReference", "pairedDifferences", "bootstrap", "notes"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentTable(List<Row> methods, String gainReference, PairedDifferences pairedDifferences,
    BootstrapSettings bootstrap, List<String> notes) {

  /** The fallback reference of the relative gain, the one every earlier table used. */
  public static final String FALLBACK_GAIN_REFERENCE = "multitask";
  /**
   * The references of the relative gain, preferred first: {@link JointFit#METHOD} (one fit on the union of all
   * releases, the paper's 100%) when it ran, else {@value #FALLBACK_GAIN_REFERENCE} (cumulative retraining, a
   * compute ceiling).
   */
  public static final List<String> GAIN_REFERENCES = List.of(JointFit.METHOD, FALLBACK_GAIN_REFERENCE);
  public static final String FILE_NAME = "table.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @JsonCreator
  public ExperimentTable {
    methods = List.copyOf(methods);
    notes = List.copyOf(notes);
  }

  public ExperimentTable(List<Row> methods, List<String> notes) {
    this(methods, null, null, null, notes);
  }

  /** The same table with other notes. */
  public ExperimentTable withNotes(List<String> others) {
    return new ExperimentTable(methods, gainReference, pairedDifferences, bootstrap, others);
  }

  /** A 95% confidence interval. */
  public record Interval(double low, double high) {}

  /** The bootstrap behind the intervals: draws, its random seed, the confidence level. */
  public record BootstrapSettings(int resamples, long seed, double confidence) {}

  /**
   * Mean and standard deviation over seeds (sample deviation; 0 with one seed), and the 95% bootstrap interval
   * of the mean (null where nothing could be resampled: one seed without per-test-sample scores).
   */
  @JsonPropertyOrder({"mean", "std", "ci95"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Stat(double mean, double std, Interval ci95) {

    @JsonCreator
    public Stat {
    }

    public Stat(double mean, double std) {
      this(mean, std, null);
    }

    static Stat of(List<Double> values) {
      return of(values, null);
    }

    static Stat of(List<Double> values, Interval ci95) {
      int n = values.size();
      double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      if (n < 2) {
        return new Stat(mean, 0, ci95);
      }
      double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
      return new Stat(mean, Math.sqrt(ss / (n - 1)), ci95);
    }
  }

  /**
   * One method.
   *
   * @param relativeGain null when no gain reference is in the experiment (or it scored 0)
   * @param samplesTrained samples trained over all steps (step 0 excluded), mean over seeds
   * @param optimizerSteps optimizer steps over steps 1..T, mean over seeds; null when a run did not record them
   * @param samplePasses sample passes over steps 1..T, mean over seeds; null when a run did not record them
   * @param wallSeconds a run's wall time, mean over seeds
   * @param groups final accuracy per skill group (the label before the first '.'), mean over seeds
   * @param groupsCi95 the 95% interval of each of {@code groups} (absent where none could be computed)
   * @param diagnostics per step after the base model
   * @param continual the continual-learning metrics of the skill matrix over the seeds whose results have one; null
   *     when none has
   */
  @JsonPropertyOrder({"method", "finalAvgAccuracy", "forgetting", "relativeGain", "samplesTrained",
      "optimizerSteps", "samplePasses", "wallSeconds", "groups", "groupsCi95", "diagnostics", "seeds",
      "continual"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Row(String method, Stat finalAvgAccuracy, Stat forgetting, Stat relativeGain, long samplesTrained,
      Long optimizerSteps, Long samplePasses, double wallSeconds, Map<String, Double> groups,
      Map<String, Interval> groupsCi95, List<Diagnostics> diagnostics, List<SeedRun> seeds, Continual continual) {

    @JsonCreator
    public Row {
      groupsCi95 = groupsCi95 == null ? Map.of() : new TreeMap<>(groupsCi95);
      diagnostics = diagnostics == null ? List.of() : List.copyOf(diagnostics);
    }
  }

  /**
   * A method's continual-learning metrics (the skill matrix's, {@link ContinualMetrics}), each a mean ± standard
   * deviation over the seeds that have a value, with a 95% bootstrap interval resampling those seeds (null with
   * fewer than two); a metric no seed has is null.
   *
   * @param seeds how many seeds had a matrix
   * @param meanForgetting Chaudhry et al.'s forgetting, mean over skills introduced before the last step
   * @param backwardTransfer BWT
   * @param forwardTransfer FWT
   * @param groups per skill group, the means over seeds of the group's BWT and FWT (and forgetting)
   */
  @JsonPropertyOrder({"seeds", "meanForgetting", "backwardTransfer", "forwardTransfer", "groups"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Continual(int seeds, Stat meanForgetting, Stat backwardTransfer, Stat forwardTransfer,
      Map<String, GroupTransfer> groups) {

    @JsonCreator
    public Continual {
      groups = groups == null ? Map.of() : new TreeMap<>(groups);
    }

    /** The figures of runs that have a matrix; null when none has. */
    static Continual of(List<ContinualMetrics.Metrics> perSeed, Map<String, List<ContinualMetrics.Metrics>> byGroup) {
      if (perSeed.isEmpty()) {
        return null;
      }
      Map<String, GroupTransfer> groups = new TreeMap<>();
      byGroup.forEach((g, list) -> groups.put(g, new GroupTransfer(
          mean(list.stream().map(ContinualMetrics.Metrics::meanForgetting).toList()),
          mean(list.stream().map(ContinualMetrics.Metrics::backwardTransfer).toList()),
          mean(list.stream().map(ContinualMetrics.Metrics::forwardTransfer).toList()))));
      return new Continual(perSeed.size(),
          seedStat(perSeed.stream().map(ContinualMetrics.Metrics::meanForgetting).toList()),
          seedStat(perSeed.stream().map(ContinualMetrics.Metrics::backwardTransfer).toList()),
          seedStat(perSeed.stream().map(ContinualMetrics.Metrics::forwardTransfer).toList()), groups);
    }
  }

  /** A skill group's continual-learning metrics, means over the seeds that have a value (null: none has). */
  @JsonPropertyOrder({"meanForgetting", "backwardTransfer", "forwardTransfer"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record GroupTransfer(Double meanForgetting, Double backwardTransfer, Double forwardTransfer) {}

  /**
   * Mean ± standard deviation of the values that are there, with a 95% bootstrap interval over them (seeds
   * resampled; null with fewer than two values); null when no value is there.
   */
  static Stat seedStat(List<Double> values) {
    List<Double> present = values.stream().filter(Objects::nonNull).toList();
    if (present.isEmpty()) {
      return null;
    }
    Interval ci = null;
    if (present.size() > 1) {
      List<Map<String, Integer>> none = present.stream().map(v -> Map.<String, Integer>of()).toList();
      List<Interval> intervals = Bootstrap.intervals(none, 1, (i, resample) -> new double[] {present.get(i)});
      ci = intervals == null ? null : intervals.get(0);
    }
    return Stat.of(present, ci);
  }

  private static Double mean(List<Double> values) {
    return values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).average().stream().boxed()
        .findFirst().orElse(null);
  }

  /** One run's raw numbers; the continual-learning ones are null where the run has no matrix (or no value). */
  @JsonPropertyOrder({"seed", "runId", "results", "finalAvgAccuracy", "forgetting", "relativeGain",
      "samplesTrained", "optimizerSteps", "samplePasses", "wallSeconds", "groups", "meanForgetting",
      "backwardTransfer", "forwardTransfer"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SeedRun(long seed, String runId, String results, double finalAvgAccuracy, double forgetting,
      Double relativeGain, long samplesTrained, Long optimizerSteps, Long samplePasses, double wallSeconds,
      Map<String, Double> groups, Double meanForgetting, Double backwardTransfer, Double forwardTransfer) {}

  /** The skill matrix's metrics of a result, or null when it has no matrix. */
  static ContinualMetrics.Metrics continual(DemoResult r) {
    return r.matrix() == null ? null : r.matrix().skills().metrics();
  }

  /**
   * A run of the table with its result as read from its {@code results.json}.
   *
   * @param selections per step, the selected sample ids ({@code selections.json}; empty when absent)
   */
  public record Run(String method, long seed, String runId, Path resultsFile, DemoResult result,
      Map<Integer, List<String>> selections) {

    public Run {
      selections = selections == null ? Map.of() : Map.copyOf(selections);
    }

    public Run(String method, long seed, String runId, Path resultsFile, DemoResult result) {
      this(method, seed, runId, resultsFile, result, Map.of());
    }

    public static Run read(ExperimentJob.Outcome o) throws IOException {
      Path selections = o.runDir().resolve(DemoReport.SELECTIONS);
      Map<Integer, List<String>> ids = Files.isRegularFile(selections)
          ? JSON.readValue(selections.toFile(), new TypeReference<Map<Integer, List<String>>>() {})
          : Map.of();
      return new Run(o.method(), o.seed(), o.runId(), o.runDir().resolve(DemoReport.RESULTS),
          DemoReport.readResults(o.runDir()), ids);
    }
  }

  /** The table of {@code runs} without diagnostics from annotations. */
  public static ExperimentTable of(List<Run> runs) {
    return of(runs, Map.of());
  }

  /**
   * The table of {@code runs}, rows in the order their methods first appear.
   *
   * @param annotations per seed, the benchmark's annotations for the diagnostics (a seed absent: its selection
   *     shares are skipped, with a note)
   */
  public static ExperimentTable of(List<Run> runs, Map<Long, BenchmarkAnnotations> annotations) {
    List<String> notes = new ArrayList<>();
    Map<String, List<Run>> byMethod = new LinkedHashMap<>();
    runs.forEach(r -> byMethod.computeIfAbsent(r.method(), m -> new ArrayList<>()).add(r));
    String gainReference = GAIN_REFERENCES.stream().filter(byMethod::containsKey).findFirst().orElse(null);
    Map<Long, DemoResult> reference = new TreeMap<>();
    if (gainReference == null) {
      notes.add("neither " + String.join(" nor ", GAIN_REFERENCES) + " is among the methods: no relative gain");
    } else {
      byMethod.get(gainReference).forEach(r -> reference.putIfAbsent(r.seed(), r.result()));
      notes.add("relative gain against " + gainReference + (gainReference.equals(FALLBACK_GAIN_REFERENCE)
          ? " (cumulative retraining on everything so far, a compute ceiling; no joint run in the experiment)"
          : " (one fit on the union of all releases)"));
      if (reference.values().stream().anyMatch(v -> v.finalAvgAccuracy() <= 0)) {
        notes.add(gainReference + "'s final average accuracy is 0 at some seed: no relative gain there");
      }
    }
    boolean anyScores = runs.stream().anyMatch(r -> r.result().steps().stream()
        .anyMatch(st -> !st.testScores().isEmpty()));
    if (!anyScores) {
      notes.add("no per-test-sample scores (testScores) in the results: the intervals resample seeds only");
    }
    List<Row> rows = new ArrayList<>();
    byMethod.forEach((method, list) -> rows.add(row(method, list, reference, annotations)));
    List<String> without = rows.stream().filter(r -> r.finalAvgAccuracy().ci95() == null).map(Row::method)
        .toList();
    if (!without.isEmpty()) {
      notes.add("one seed and no per-test-sample scores, so no confidence interval: " + String.join(", ", without));
    }
    PairedDifferences paired = PairedDifferences.of(PairedDifferences.REFERENCE, byMethod, notes);
    boolean annotated = runs.stream().anyMatch(r -> annotations.containsKey(r.seed()));
    if (!annotated) {
      notes.add("no benchmark annotations (e.g. your own releases): the diagnostics have no label-noise, "
          + "near-duplicate or image-not-needed shares");
    } else if (runs.stream().anyMatch(r -> !annotations.containsKey(r.seed()))) {
      notes.add("some seeds have no benchmark annotations: their runs are left out of the selection shares");
    }
    return new ExperimentTable(rows, gainReference, paired,
        new BootstrapSettings(Bootstrap.RESAMPLES, Bootstrap.SEED, Bootstrap.CONFIDENCE), notes);
  }

  private static Row row(String method, List<Run> list, Map<Long, DemoResult> reference,
      Map<Long, BenchmarkAnnotations> annotations) {
    List<SeedRun> seeds = new ArrayList<>();
    for (Run r : list) {
      DemoResult ref = reference.get(r.seed());
      Double gain = ref == null || ref.finalAvgAccuracy() <= 0 ? null
          : 100 * r.result().finalAvgAccuracy() / ref.finalAvgAccuracy();
      ContinualMetrics.Metrics c = continual(r.result());
      seeds.add(new SeedRun(r.seed(), r.runId(), r.resultsFile().toString(), r.result().finalAvgAccuracy(),
          r.result().forgetting(), gain, samplesTrained(r.result()), total(r.result(),
              DemoResult.Step::optimizerSteps), total(r.result(), DemoResult.Step::samplePasses),
          r.result().seconds(), groups(r.result()), c == null ? null : c.meanForgetting(),
          c == null ? null : c.backwardTransfer(), c == null ? null : c.forwardTransfer()));
    }
    List<ContinualMetrics.Metrics> perSeed = new ArrayList<>();
    Map<String, List<ContinualMetrics.Metrics>> byGroup = new TreeMap<>();
    for (Run r : list) {
      if (r.result().matrix() != null) {
        perSeed.add(r.result().matrix().skills().metrics());
        r.result().matrix().skillGroups().forEach((g, m) -> byGroup.computeIfAbsent(g, k -> new ArrayList<>())
            .add(m));
      }
    }
    Map<String, Double> groups = meanGroups(seeds);
    List<String> groupNames = List.copyOf(groups.keySet());
    List<RunFigures> figures = list.stream().map(r -> RunFigures.of(r.result())).toList();
    List<Map<String, Integer>> sizes = figures.stream().map(RunFigures::testSamples).toList();
    List<Interval> ci = Bootstrap.intervals(sizes, 2 + groupNames.size(), (i, resample) -> {
      RunFigures r = figures.get(i);
      double[] g = r.groups(groupNames, resample);
      double[] v = new double[2 + g.length];
      v[0] = r.finalAvgAccuracy(resample);
      v[1] = r.forgetting(resample);
      System.arraycopy(g, 0, v, 2, g.length);
      return v;
    });
    Map<String, Interval> groupsCi = new TreeMap<>();
    for (int k = 0; ci != null && k < groupNames.size(); k++) {
      if (ci.get(2 + k) != null) {
        groupsCi.put(groupNames.get(k), ci.get(2 + k));
      }
    }
    List<Double> gains = seeds.stream().map(SeedRun::relativeGain).filter(Objects::nonNull).toList();
    return new Row(method,
        Stat.of(seeds.stream().map(SeedRun::finalAvgAccuracy).toList(), ci == null ? null : ci.get(0)),
        Stat.of(seeds.stream().map(SeedRun::forgetting).toList(), ci == null ? null : ci.get(1)),
        gains.isEmpty() ? null : Stat.of(gains, gainInterval(list, reference)),
        Math.round(seeds.stream().mapToLong(SeedRun::samplesTrained).average().orElse(0)),
        meanOrNull(seeds.stream().map(SeedRun::optimizerSteps).toList()),
        meanOrNull(seeds.stream().map(SeedRun::samplePasses).toList()),
        seeds.stream().mapToDouble(SeedRun::wallSeconds).average().orElse(0),
        groups, groupsCi, Diagnostics.of(list, annotations), seeds, Continual.of(perSeed, byGroup));
  }

  /** The interval of the relative gain: the method and the reference resampled together (paired). */
  private static Interval gainInterval(List<Run> list, Map<Long, DemoResult> reference) {
    List<Run> paired = list.stream().filter(r -> reference.containsKey(r.seed())
        && reference.get(r.seed()).finalAvgAccuracy() > 0).toList();
    List<RunFigures> method = paired.stream().map(r -> RunFigures.of(r.result())).toList();
    List<RunFigures> ref = paired.stream().map(r -> RunFigures.of(reference.get(r.seed()))).toList();
    List<Map<String, Integer>> sizes = new ArrayList<>();
    for (int i = 0; i < paired.size(); i++) {
      sizes.add(RunFigures.commonTestSamples(method.get(i), ref.get(i)));
    }
    List<Interval> ci = Bootstrap.intervals(sizes, 1, (i, resample) -> {
      double r = ref.get(i).finalAvgAccuracy(resample);
      return new double[] {r <= 0 ? Double.NaN : 100 * method.get(i).finalAvgAccuracy(resample) / r};
    });
    return ci == null ? null : ci.get(0);
  }

  /** The sum over steps 1..T of a per-step count; null when a step did not record it. */
  static Long total(DemoResult r, Function<DemoResult.Step, Long> count) {
    long sum = 0;
    for (DemoResult.Step s : r.steps()) {
      if (s.step() > 0) {
        Long v = count.apply(s);
        if (v == null) {
          return null;
        }
        sum += v;
      }
    }
    return sum;
  }

  private static Long meanOrNull(List<Long> values) {
    if (values.isEmpty() || values.stream().anyMatch(Objects::isNull)) {
      return null;
    }
    return Math.round(values.stream().mapToLong(Long::longValue).average().orElse(0));
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
