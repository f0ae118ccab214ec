package io.adaptstream.cli.run.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.adaptstream.cli.run.MarkdownText;
import io.adaptstream.cli.run.continual.ContinualMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a finished run: {@code results.json} (the {@link DemoResult}), {@code selections.json} (every step's
 * selected sample ids), {@code run.json} (the {@link RunRecord}), the charts and {@code report.md} (the table and
 * the charts). Skill labels come from the dataset and are escaped in {@code report.md} ({@link MarkdownText}).
 */
public final class DemoReport {

  public static final String RESULTS = "results.json";
  public static final String SELECTIONS = "selections.json";
  public static final String REPORT = "report.md";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DemoReport() {}

  /** Writes everything into {@code dir}; returns the files written. */
  public static List<Path> write(DemoResult result, RunRecord record, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    JSON.writeValue(dir.resolve(RESULTS).toFile(), result);
    files.add(dir.resolve(RESULTS));
    JSON.writeValue(dir.resolve(SELECTIONS).toFile(), result.selections());
    files.add(dir.resolve(SELECTIONS));
    record.write(dir);
    files.add(dir.resolve(RunRecord.FILE_NAME));
    for (String chart : DemoCharts.write(result, dir)) {
      files.add(dir.resolve(chart));
    }
    Files.writeString(dir.resolve(REPORT), markdown(result, record), StandardCharsets.UTF_8);
    files.add(dir.resolve(REPORT));
    return files;
  }

  /** Reads a {@code results.json}. */
  public static DemoResult readResults(Path dir) throws IOException {
    return JSON.readValue(dir.resolve(RESULTS).toFile(), DemoResult.class);
  }

  /** The per-step table as plain text, for the terminal. */
  public static String table(DemoResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-4s %-20s %6s %6s %8s %6s %8s %8s %8s %9s %9s %8s%n", "step", "release",
        "pool", "fresh", "selected", "pruned", "clusters", "avg acc", "scoring", "selection", "training", "of it eval"));
    for (DemoResult.Step s : r.steps()) {
      sb.append(String.format(Locale.ROOT, "%-4d %-20s %6s %6s %8s %6s %8s %8.3f %7.1fs %8.1fs %8.1fs %9.1fs%n",
          s.step(), s.release(), dash(s.step(), s.poolSize()), dash(s.step(), s.fresh()),
          dash(s.step(), s.selected()), dash(s.step(), s.pruned()), dash(s.step(), s.clusters().size()),
          s.avgAccuracy(), s.seconds().scoring(), s.seconds().selection(), s.seconds().training(),
          s.seconds().evaluation()));
    }
    sb.append(String.format(Locale.ROOT, "final average accuracy %.3f, forgetting %.3f, %d skills; %.0f s in all%n",
        r.finalAvgAccuracy(), r.forgetting(), r.steps().get(r.steps().size() - 1).accuracy().size(), r.seconds()));
    if (r.matrix() != null) {
      ContinualMetrics.Metrics m = r.matrix().skills().metrics();
      sb.append(String.format(Locale.ROOT, "continual (skills): mean forgetting %s, backward transfer %s, forward "
          + "transfer %s%n", number(m.meanForgetting()), number(m.backwardTransfer()), number(m.forwardTransfer())));
    }
    return sb.toString();
  }

  static String markdown(DemoResult r, RunRecord record) {
    StringBuilder md = new StringBuilder();
    md.append("# Run ").append(r.runId()).append("\n\n");
    md.append(String.format(Locale.ROOT, "Method `%s`, seed %d, benchmark %s, %s mode%s. %.0f s in all.%n%n",
        r.method(), r.seed(), record.size(), record.deterministic() ? "deterministic" : "fast",
        record.replayOf() == null ? "" : ", replay of `" + record.replayOf() + "`", r.seconds()));
    if (!record.overrides().isEmpty()) {
      md.append("Settings: ").append(record.overrides().entrySet().stream()
          .map(e -> "`" + e.getKey() + "=" + e.getValue() + "`").collect(Collectors.joining(", "))).append(".\n\n");
    }
    md.append("| step | release | pool | fresh | selected | pruned | clusters | avg accuracy | scoring s | "
        + "selection s | training s | of it evaluation s |\n");
    md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (DemoResult.Step s : r.steps()) {
      md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %.3f | %.1f | %.1f | %.1f | %.1f |%n",
          s.step(), s.release(), dash(s.step(), s.poolSize()), dash(s.step(), s.fresh()),
          dash(s.step(), s.selected()), dash(s.step(), s.pruned()), dash(s.step(), s.clusters().size()),
          s.avgAccuracy(), s.seconds().scoring(), s.seconds().selection(), s.seconds().training(),
          s.seconds().evaluation()));
    }
    md.append(String.format(Locale.ROOT, "%nFinal average accuracy **%.3f**, forgetting **%.3f** (mean over skills "
        + "of the best accuracy at any step minus the final one).%n%n", r.finalAvgAccuracy(), r.forgetting()));

    md.append("## Accuracy per skill\n\n![accuracy per skill](").append(DemoCharts.ACCURACY).append(")\n\n");
    md.append("| skill |");
    r.steps().forEach(s -> md.append(" v").append(s.step()).append(" |"));
    md.append("\n|---|");
    r.steps().forEach(s -> md.append("---:|"));
    md.append('\n');
    for (Map.Entry<String, List<Double>> row : DemoCharts.skillRows(r).entrySet()) {
      md.append("| ").append(MarkdownText.escape(row.getKey())).append(" |");
      row.getValue().forEach(a -> md.append(a == null ? " |" : String.format(Locale.ROOT, " %.2f |", a)));
      md.append('\n');
    }

    if (r.matrix() != null) {
      continual(md, r.matrix());
      List<String> incoming = r.steps().stream().filter(s -> s.seconds().incomingEvaluation() != null)
          .map(s -> String.format(Locale.ROOT, "v%d %.1f s", s.step(), s.seconds().incomingEvaluation())).toList();
      if (!incoming.isEmpty()) {
        md.append("\nEvaluations before training (part of each step's training seconds): ")
            .append(String.join(", ", incoming)).append(".\n");
      }
    }

    md.append("\n## Pool\n\n![pool size](").append(DemoCharts.POOL).append(")\n\n");
    md.append("## Clusters\n\n![cluster composition](").append(DemoCharts.CLUSTERS).append(")\n\n");
    md.append("| step | cluster | size | scorer | selected | pruned | main skills |\n");
    md.append("|---:|---:|---:|---|---:|---:|---|\n");
    for (DemoResult.Step s : r.steps()) {
      for (DemoResult.Cluster c : s.clusters()) {
        md.append(String.format(Locale.ROOT, "| %d | %d | %d | %s | %d | %d | %s |%n", s.step(), c.id(), c.size(),
            c.scorer(), c.selected(), c.pruned(), topSkills(c.skills(), 3)));
      }
    }
    return md.toString();
  }

  /** The continual-learning section: the heatmap, the metrics per matrix and skill group, the release matrix. */
  private static void continual(StringBuilder md, ContinualMetrics m) {
    md.append("\n## Continual-learning metrics\n\n");
    md.append("R[t][j] is the accuracy of model version t on column j; version t is evaluated on the test splits "
        + "of releases up to its own, and, before it is trained, versions t−1 and 0 on release t's test split. "
        + "intro(j) is the step whose release first brought column j. Average accuracy after step t: mean of "
        + "R[t][j] over the columns introduced by then. Forgetting of j: max over t in [intro(j), T−1] of "
        + "R[t][j], minus R[T][j]. BWT: mean over columns introduced before T of R[T][j] − R[intro(j)][j]. FWT: "
        + "mean over columns introduced at step 2 or later of R[intro(j)−1][j] − R[0][j]. Blank: not "
        + "evaluated.\n\n");
    if (!m.skills().columns().isEmpty()) {
      md.append("![accuracy matrix](").append(DemoCharts.MATRIX).append(")\n\n");
    }
    md.append("| matrix | columns | mean forgetting | BWT | FWT | average accuracy after each step |\n");
    md.append("|---|---:|---:|---:|---:|---|\n");
    metricsRow(md, "skills", m.skills().columns().size(), m.skills().metrics());
    metricsRow(md, "releases", m.releases().columns().size(), m.releases().metrics());
    m.skillGroups().forEach((g, metrics) -> metricsRow(md, "skill group " + MarkdownText.escape(g),
        (int) m.skills().columns().stream().filter(c -> ContinualMetrics.skillGroup(c).equals(g)).count(),
        metrics));
    if (!m.releases().columns().isEmpty()) {
      md.append("\n| version |");
      m.releases().columns().forEach(c -> md.append(' ').append(MarkdownText.escape(c)).append(" |"));
      md.append("\n|---|");
      m.releases().columns().forEach(c -> md.append("---:|"));
      md.append('\n');
      for (int t = 0; t < m.releases().accuracy().size(); t++) {
        md.append("| v").append(t).append(" |");
        m.releases().accuracy().get(t).forEach(a -> md.append(' ').append(number(a)).append(" |"));
        md.append('\n');
      }
    }
  }

  private static void metricsRow(StringBuilder md, String name, int columns, ContinualMetrics.Metrics x) {
    md.append("| ").append(name).append(" | ").append(columns).append(" | ").append(number(x.meanForgetting()))
        .append(" | ").append(number(x.backwardTransfer())).append(" | ").append(number(x.forwardTransfer()))
        .append(" | ").append(x.averageAccuracy().stream().map(DemoReport::number)
            .collect(Collectors.joining(", "))).append(" |\n");
  }

  /** A metric to three decimals ("0.000", not "-0.000", for a rounding error's sign); "-" where there is none. */
  private static String number(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.3f", Math.abs(v) < 5e-4 ? 0.0 : v);
  }

  private static String topSkills(Map<String, Long> skills, int n) {
    long total = skills.values().stream().mapToLong(Long::longValue).sum();
    return skills.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
        .map(e -> String.format(Locale.ROOT, "%s %.0f%%", MarkdownText.escape(e.getKey()),
            100.0 * e.getValue() / Math.max(1, total)))
        .collect(Collectors.joining(", "));
  }

  private static String dash(int step, long value) {
    return step == 0 ? "-" : Long.toString(value);
  }
}
