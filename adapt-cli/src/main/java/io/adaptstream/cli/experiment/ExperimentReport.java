package io.adaptstream.cli.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an experiment's comparison: {@code table.json} ({@link ExperimentTable}), {@code table.md} (a paper-style
 * table with the exact command and settings) and the charts ({@link ExperimentCharts}), all computed from the
 * runs' {@code results.json}.
 */
public final class ExperimentReport {

  public static final String TABLE_MD = "table.md";

  private ExperimentReport() {}

  /**
   * Reads every run's {@code results.json}, computes the table and writes the files into {@code dir}.
   *
   * @param command the command line as typed, for the record
   * @param settings what decides the numbers besides the method (data, seeds, mode, overrides)
   * @param notes what the reader must know (e.g. how the base model was shared)
   */
  public static ExperimentTable write(List<ExperimentJob.Outcome> outcomes, String command,
      Map<String, String> settings, List<String> notes, Path dir) throws IOException {
    List<ExperimentTable.Run> runs = new ArrayList<>();
    for (ExperimentJob.Outcome o : outcomes) {
      runs.add(ExperimentTable.Run.read(o));
    }
    ExperimentTable computed = ExperimentTable.of(runs);
    List<String> allNotes = new ArrayList<>(notes);
    allNotes.addAll(computed.notes());
    ExperimentTable table = new ExperimentTable(computed.methods(), allNotes);
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
        .append(" samples trained | wall time |");
    groups.forEach(g -> sb.append(' ').append(g).append(" |"));
    sb.append("\n|---|---:|---:|").append(gain ? "---:|" : "").append("---:|---:|");
    groups.forEach(g -> sb.append("---:|"));
    sb.append('\n');
    for (ExperimentTable.Row r : table.methods()) {
      sb.append("| ").append(r.method()).append(" | ").append(pm(r.finalAvgAccuracy(), "%.3f")).append(" | ")
          .append(pm(r.forgetting(), "%.3f")).append(" |");
      if (gain) {
        sb.append(' ').append(r.relativeGain() == null ? "-" : pm(r.relativeGain(), "%.1f")).append(" |");
      }
      sb.append(' ').append(r.samplesTrained()).append(" | ").append(duration(r.wallSeconds())).append(" |");
      groups.forEach(g -> {
        Double a = r.groups().get(g);
        sb.append(' ').append(a == null ? "-" : String.format(Locale.ROOT, "%.3f", a)).append(" |");
      });
      sb.append('\n');
    }
    sb.append("\nMean ± standard deviation over seeds. Accuracies in [0, 1], at the last step; forgetting: mean over "
        + "the final skills of (best accuracy at any step − final accuracy); relative gain: final average accuracy "
        + "as a percentage of multitask's at the same seed; samples trained: over all steps after the base model; "
        + "skill groups: final accuracy averaged over the group's skills (the label before the first '.').\n");
    if (!table.notes().isEmpty()) {
      sb.append('\n');
      table.notes().forEach(n -> sb.append("- ").append(n).append('\n'));
    }
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

  private static String pm(ExperimentTable.Stat s, String format) {
    return String.format(Locale.ROOT, format + " ± " + format, s.mean(), s.std());
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
  }
}
