package io.adaptstream.cli.run.experiment;

import io.adaptstream.cli.run.MarkdownText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes an experiment's comparison: {@code table.json} ({@link ExperimentTable}), {@code table.md} (a paper-style
 * table with the exact command and settings) and the charts ({@link ExperimentCharts}), all computed from the
 * runs' {@code results.json}.
 */
public final class ExperimentReport {

  public static final String TABLE_MD = "table.md";
  /** The heading of {@value #TABLE_MD}'s paired-differences section (the terminal shows that section too). */
  public static final String PAIRED_HEADING = "## Paired differences";

  private ExperimentReport() {}

  /** {@link #write(List, String, Map, List, Map, Path)} without benchmark annotations. */
  public static ExperimentTable write(List<ExperimentJob.Outcome> outcomes, String command,
      Map<String, String> settings, List<String> notes, Path dir) throws IOException {
    return write(outcomes, command, settings, notes, Map.of(), dir);
  }

  /**
   * Reads every run's {@code results.json}, computes the table and writes the files into {@code dir}.
   *
   * @param command the command line as typed, for the record
   * @param settings what decides the numbers besides the method (data, seeds, mode, overrides)
   * @param notes what the reader must know (e.g. how the base model was shared)
   * @param benchmarks per seed, the directory of the generated benchmark the seed's runs used
   *     ({@link BenchmarkAnnotations#locate}); a seed absent has no annotations and no selection shares
   */
  public static ExperimentTable write(List<ExperimentJob.Outcome> outcomes, String command,
      Map<String, String> settings, List<String> notes, Map<Long, Path> benchmarks, Path dir) throws IOException {
    List<ExperimentTable.Run> runs = new ArrayList<>();
    for (ExperimentJob.Outcome o : outcomes) {
      runs.add(ExperimentTable.Run.read(o));
    }
    List<String> allNotes = new ArrayList<>(notes);
    Map<Long, BenchmarkAnnotations> annotations = new TreeMap<>();
    for (Map.Entry<Long, Path> e : new TreeMap<>(benchmarks).entrySet()) {
      try {
        annotations.put(e.getKey(), BenchmarkAnnotations.load(e.getValue()));
      } catch (IOException | UncheckedIOException ex) {
        allNotes.add("seed " + e.getKey() + ": cannot read the benchmark annotations in " + e.getValue() + " ("
            + ex.getMessage() + "): no selection shares for it");
      }
    }
    ExperimentTable computed = ExperimentTable.of(runs, annotations);
    allNotes.addAll(computed.notes());
    ExperimentTable table = computed.withNotes(allNotes);
    Files.createDirectories(dir);
    table.write(dir.resolve(ExperimentTable.FILE_NAME));
    List<String> charts = ExperimentCharts.write(table, runs, dir);
    Files.writeString(dir.resolve(TABLE_MD), markdown(table, command, settings, charts), StandardCharsets.UTF_8);
    return table;
  }

  /** The table as Markdown, with the command, the settings, the notes and the charts. */
  static String markdown(ExperimentTable table, String command, Map<String, String> settings, List<String> charts) {
    StringBuilder sb = new StringBuilder("# Experiment\n\n```\n").append(command).append("\n```\n\n");
    settings.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
    sb.append('\n');
    List<String> groups = table.groupNames();
    boolean gain = table.methods().stream().anyMatch(r -> r.relativeGain() != null);
    sb.append("| method | final avg acc | forgetting |").append(gain ? " relative gain (%) |" : "")
        .append(" samples trained | optimizer steps | sample passes | wall time |");
    groups.forEach(g -> sb.append(' ').append(MarkdownText.escape(g)).append(" |")); // from the dataset's skills
    sb.append("\n|---|---:|---:|").append(gain ? "---:|" : "").append("---:|---:|---:|---:|");
    groups.forEach(g -> sb.append("---:|"));
    sb.append('\n');
    for (ExperimentTable.Row r : table.methods()) {
      sb.append("| ").append(r.method()).append(" | ").append(pm(r.finalAvgAccuracy(), "%.3f")).append(" | ")
          .append(pm(r.forgetting(), "%.3f")).append(" |");
      if (gain) {
        sb.append(' ').append(r.relativeGain() == null ? "-" : pm(r.relativeGain(), "%.1f")).append(" |");
      }
      sb.append(' ').append(r.samplesTrained()).append(" | ").append(orDash(r.optimizerSteps())).append(" | ")
          .append(orDash(r.samplePasses())).append(" | ").append(duration(r.wallSeconds())).append(" |");
      groups.forEach(g -> {
        Double a = r.groups().get(g);
        sb.append(' ').append(a == null ? "-" : String.format(Locale.ROOT, "%.3f", a)
            + interval(r.groupsCi95().get(g), "%.3f")).append(" |");
      });
      sb.append('\n');
    }
    String reference = table.gainReference() == null ? ExperimentTable.FALLBACK_GAIN_REFERENCE
        : table.gainReference();
    sb.append("\nMean ± standard deviation over seeds [95% bootstrap interval]. Accuracies in [0, 1], at the last "
        + "step; forgetting: mean over the final skills of (best accuracy at any step − final accuracy); relative "
        + "gain: final average accuracy as a percentage of " + reference + "'s at the same seed; samples trained, "
        + "optimizer steps, sample passes: over all steps after the base model (- where the runs did not record "
        + "them); skill groups: final accuracy averaged over the group's skills (the label before the first '.'). "
        + bootstrapNote(table) + "\n");
    if (!table.notes().isEmpty()) {
      sb.append('\n');
      table.notes().forEach(n -> sb.append("- ").append(n).append('\n'));
    }
    PairedDifferences paired = table.pairedDifferences();
    if (paired != null && !paired.methods().isEmpty()) {
      sb.append("\n").append(PAIRED_HEADING).append("\n\n| difference | seeds | final avg acc | forgetting |\n"
          + "|---|---:|---:|---:|\n");
      for (PairedDifferences.Pair p : paired.methods()) {
        sb.append("| ").append(paired.reference()).append(" − ").append(p.method()).append(" | ")
            .append(p.seeds().size()).append(" | ").append(signed(p.finalAvgAccuracy())).append(" | ")
            .append(signed(p.forgetting())).append(" |\n");
      }
      sb.append("\nMean over the seeds both methods ran of the per-seed difference [95% paired bootstrap "
          + "interval: the same seeds and the same test samples for both methods in every draw]. An interval "
          + "that excludes 0 is a difference the evaluation can tell apart; higher accuracy and lower forgetting "
          + "are better.\n");
    }
    continual(sb, table);
    diagnostics(sb, table);
    sb.append("\n## Runs\n\n| method | seed | run | final avg acc | forgetting | samples trained | wall time |\n"
        + "|---|---:|---|---:|---:|---:|---:|\n");
    for (ExperimentTable.Row r : table.methods()) {
      for (ExperimentTable.SeedRun s : r.seeds()) {
        sb.append(String.format(Locale.ROOT, "| %s | %d | [%s](%s) | %.3f | %.3f | %d | %s |%n", r.method(),
            s.seed(), s.runId(), "runs/" + s.runId() + "/report.md", s.finalAvgAccuracy(), s.forgetting(),
            s.samplesTrained(), duration(s.wallSeconds())));
      }
    }
    sb.append('\n');
    charts.forEach(c -> sb.append("![").append(c).append("](").append(c).append(")\n\n"));
    return sb.toString();
  }

  /** The continual-learning metrics per method and, when there are any, their paired differences. */
  private static void continual(StringBuilder sb, ExperimentTable table) {
    if (table.methods().stream().allMatch(r -> r.continual() == null)) {
      return;
    }
    sb.append("\n## Continual-learning metrics\n\n| method | seeds | mean forgetting | BWT | FWT | BWT / FWT per "
        + "skill group |\n|---|---:|---:|---:|---:|---|\n");
    for (ExperimentTable.Row r : table.methods()) {
      ExperimentTable.Continual c = r.continual();
      if (c == null) {
        sb.append("| ").append(r.method()).append(" | 0 | - | - | - | - |\n");
        continue;
      }
      sb.append("| ").append(r.method()).append(" | ").append(c.seeds()).append(" | ")
          .append(statOrDash(c.meanForgetting())).append(" | ").append(statOrDash(c.backwardTransfer()))
          .append(" | ").append(statOrDash(c.forwardTransfer())).append(" | ")
          .append(c.groups().entrySet().stream().map(e -> MarkdownText.escape(e.getKey()) + " "
              + number(e.getValue().backwardTransfer()) + " / " + number(e.getValue().forwardTransfer()))
              .collect(Collectors.joining(", "))).append(" |\n");
    }
    sb.append("\nFrom each run's accuracy matrix R[t][j] (version t on skill j; results.json \"matrix\"), "
        + "intro(j) the step whose release first brought skill j, T the last step. Mean forgetting: mean over "
        + "skills introduced before T of (max over t in [intro(j), T−1] of R[t][j]) − R[T][j]. BWT: mean over "
        + "skills introduced before T of R[T][j] − R[intro(j)][j]. FWT: mean over skills introduced at step 2 or "
        + "later of R[intro(j)−1][j] − R[0][j] (versions intro(j)−1 and 0 evaluated on release intro(j)'s test "
        + "split before it was trained on). Mean ± standard deviation over the seeds whose results have a matrix, "
        + "[95% percentile bootstrap interval resampling those seeds] (none with one seed); per skill group: "
        + "means over seeds (- where no seed has a value).\n");
    PairedDifferences paired = table.pairedDifferences();
    if (paired != null && paired.methods().stream().anyMatch(p -> p.backwardTransfer() != null
        || p.forwardTransfer() != null)) {
      sb.append("\n| difference | BWT | FWT |\n|---|---:|---:|\n");
      for (PairedDifferences.Pair p : paired.methods()) {
        sb.append("| ").append(paired.reference()).append(" − ").append(p.method()).append(" | ")
            .append(p.backwardTransfer() == null ? "-" : signed(p.backwardTransfer())).append(" | ")
            .append(p.forwardTransfer() == null ? "-" : signed(p.forwardTransfer())).append(" |\n");
      }
      sb.append("\nPer seed, the difference of the two methods' values; mean over the seeds both have, [95% "
          + "interval resampling those seeds, both methods' values of a seed drawn together].\n");
    }
  }

  private static String statOrDash(ExperimentTable.Stat s) {
    return s == null ? "-" : pm(s, "%.3f");
  }

  private static String number(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%+.3f", v);
  }

  private static void diagnostics(StringBuilder sb, ExperimentTable table) {
    if (table.methods().stream().allMatch(r -> r.diagnostics().isEmpty())) {
      return;
    }
    sb.append("\n## Diagnostics\n\n| method | step | selected | label noise | near-duplicate | image not needed "
        + "| cluster–skill NMI | scorers (clusters) | CCS pick percentile | fresh share: pool → survivors "
        + "| fresh share of selected |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|\n");
    for (ExperimentTable.Row r : table.methods()) {
      for (Diagnostics d : r.diagnostics()) {
        sb.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %s | %s | %s | %s | %s | %s | %s → %s | %s |%n",
            r.method(), d.step(), d.selected(), share(d.labelNoiseShare()), share(d.nearDuplicateShare()),
            share(d.imageNotNeededShare()), d.clusterSkillNmi() == null ? "-"
                : String.format(Locale.ROOT, "%.2f", d.clusterSkillNmi()),
            d.scorers().isEmpty() ? "-" : d.scorers().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")),
            d.pickPercentile() == null ? "-" : String.format(Locale.ROOT, "%.0f", d.pickPercentile()),
            share(d.freshShareOfPool()), share(d.freshShareOfSurvivors()), share(d.freshShareOfSelected())));
      }
    }
    sb.append("\nPer step, means over seeds; for analysis only (no method reads any of it). Label noise, "
        + "near-duplicate, image not needed: share of the selected samples with that defect in the benchmark's "
        + "annotations (- without annotations); cluster–skill NMI: normalized mutual information between cluster "
        + "and declared skill over the clusters' members (1: clusters are the skills, 0: unrelated); scorers: "
        + "clusters that chose each scorer, summed over seeds; CCS pick percentile: mean score percentile (0–100) of "
        + "the CCS picks within their cluster; fresh share: fresh / pool size before pruning → (fresh − pruned fresh) "
        + "/ (pool size − pruned) after it; fresh share of selected: share of the selected samples from the step's "
        + "new release (annotations). table.json also has each step's share of the selection per skill group "
        + "(selectedGroups).\n");
  }

  private static String bootstrapNote(ExperimentTable table) {
    ExperimentTable.BootstrapSettings b = table.bootstrap();
    return b == null ? "" : String.format(Locale.ROOT, "Intervals: percentile bootstrap, %d draws (seed %d) "
        + "resampling seeds and, within each seed, test samples per skill.", b.resamples(), b.seed());
  }

  private static String share(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String orDash(Long v) {
    return v == null ? "-" : Long.toString(v);
  }

  private static String signed(ExperimentTable.Stat s) {
    return String.format(Locale.ROOT, "%+.3f", s.mean()) + interval(s.ci95(), "%+.3f");
  }

  private static String interval(ExperimentTable.Interval ci, String format) {
    return ci == null ? "" : String.format(Locale.ROOT, " [" + format + ", " + format + "]", ci.low(), ci.high());
  }

  private static String pm(ExperimentTable.Stat s, String format) {
    return String.format(Locale.ROOT, format + " ± " + format, s.mean(), s.std()) + interval(s.ci95(), format);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
  }
}
