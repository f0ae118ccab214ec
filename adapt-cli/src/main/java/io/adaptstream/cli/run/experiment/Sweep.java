package io.adaptstream.cli.run.experiment;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.adaptstream.cli.run.demo.DemoReport;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Experiments that differ in one setting (a budget, the steps per time step), side by side: each method's final
 * accuracy with its interval against the sample passes it trained, and the paired differences at every point.
 * This is how a claim like "selection matters more at small budgets" is checked: one table per point would hide
 * the trend, and unpaired intervals would hide what the seeds share.
 *
 * @param points one per experiment, in the order given
 * @param notes what the reader should know (seeds or methods missing at some point)
 */
@JsonPropertyOrder({"points", "notes"})
public record Sweep(List<Point> points, List<String> notes) {

  public static final String JSON_FILE = "sweep.json";
  public static final String MARKDOWN_FILE = "sweep.md";
  public static final String CHART_FILE = "sweep.png";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Sweep {
    points = List.copyOf(points);
    notes = List.copyOf(notes);
  }

  /**
   * One experiment of the sweep.
   *
   * @param label the experiment's name (its directory's)
   * @param settings the experiment's settings as its {@code experiment.json} states them ({@code -} where absent)
   * @param methods the rows of its table (final accuracy and forgetting with intervals, sample passes)
   * @param pairedDifferences {@link PairedDifferences#REFERENCE} minus each other method, paired by seed; null
   *     when the reference is not among the methods
   */
  @JsonPropertyOrder({"label", "settings", "methods", "pairedDifferences"})
  public record Point(String label, String settings, List<ExperimentTable.Row> methods,
      PairedDifferences pairedDifferences) {
    public Point {
      methods = List.copyOf(methods);
    }
  }

  /** An experiment directory's finished runs of the given methods and seeds (all of either when empty). */
  public static List<ExperimentTable.Run> runs(Path experiment, Collection<String> methods, Collection<Long> seeds)
      throws IOException {
    Path runsDir = experiment.resolve(ExperimentJob.RUNS_DIR);
    if (!Files.isDirectory(runsDir)) {
      throw new IOException(experiment + " holds no " + ExperimentJob.RUNS_DIR + "/ directory: not an experiment");
    }
    // per method and seed, the latest attempt with a results.json (an interrupted attempt has none)
    Map<String, Map<Long, Path>> found = new TreeMap<>();
    Map<String, Map<Long, Integer>> attempts = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(runsDir)) {
      for (Path d : dirs.sorted().toList()) {
        Optional<RunName> name = RunName.parse(d.getFileName().toString());
        if (name.isEmpty() || !Files.isRegularFile(d.resolve(DemoReport.RESULTS))) {
          continue;
        }
        String method = name.get().method();
        long seed = name.get().seed();
        int attempt = name.get().attempt();
        if ((!methods.isEmpty() && !methods.contains(method)) || (!seeds.isEmpty() && !seeds.contains(seed))) {
          continue;
        }
        if (attempt >= attempts.computeIfAbsent(method, k -> new TreeMap<>()).getOrDefault(seed, 0)) {
          attempts.get(method).put(seed, attempt);
          found.computeIfAbsent(method, k -> new TreeMap<>()).put(seed, d);
        }
      }
    }
    List<String> order = methods.isEmpty() ? List.copyOf(found.keySet()) : List.copyOf(methods);
    List<ExperimentTable.Run> out = new ArrayList<>();
    for (String method : order) {
      for (Map.Entry<Long, Path> e : found.getOrDefault(method, Map.of()).entrySet()) {
        out.add(ExperimentTable.Run.read(new ExperimentJob.Outcome(method, e.getKey(),
            e.getValue().getFileName().toString(), e.getValue(), true)));
      }
    }
    return out;
  }

  /**
   * The sweep over {@code experiments} (label to its runs), with a note wherever a point lacks a method or a seed
   * that another point has (its interval then rests on fewer seeds, and the trend mixes seed sets).
   */
  public static Sweep of(Map<String, List<ExperimentTable.Run>> experiments, Map<String, String> settings) {
    List<Point> points = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, Set<Long>> seedsByMethod = new TreeMap<>();
    experiments.values().forEach(runs -> runs.forEach(r -> seedsByMethod
        .computeIfAbsent(r.method(), m -> new TreeSet<>()).add(r.seed())));
    experiments.forEach((label, runs) -> {
      if (runs.isEmpty()) {
        notes.add(label + ": no finished runs of these methods and seeds");
        return;
      }
      ExperimentTable table = ExperimentTable.of(runs);
      points.add(new Point(label, settings.getOrDefault(label, "-"), table.methods(), table.pairedDifferences()));
      seedsByMethod.forEach((method, all) -> {
        Set<Long> here = new TreeSet<>();
        runs.stream().filter(r -> r.method().equals(method)).forEach(r -> here.add(r.seed()));
        if (!here.equals(all)) {
          notes.add(label + ": " + method + " has seeds " + here + " of " + all);
        }
      });
    });
    return new Sweep(points, notes);
  }

  /** Writes {@link #JSON_FILE}, {@link #MARKDOWN_FILE} and {@link #CHART_FILE} into {@code dir}. */
  public List<Path> write(Path dir, String title, String command) throws IOException {
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve(JSON_FILE).toFile(), this);
    Files.writeString(dir.resolve(MARKDOWN_FILE), markdown(title, command));
    System.setProperty("java.awt.headless", "true");
    try (OutputStream out = Files.newOutputStream(dir.resolve(CHART_FILE))) {
      BitmapEncoder.saveBitmap(chart(title), out, BitmapFormat.PNG);
    }
    return List.of(dir.resolve(JSON_FILE), dir.resolve(MARKDOWN_FILE), dir.resolve(CHART_FILE));
  }

  /** The points as Markdown: one row per point and method, then the paired differences per point. */
  public String markdown(String title, String command) {
    StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
    if (command != null) {
      md.append("```sh\n").append(command).append("\n```\n\n");
    }
    md.append("Final average accuracy: mean over seeds, 95% bootstrap interval over seeds and test samples. ")
        .append("Sample passes: over all steps after the base model, mean over seeds.\n\n");
    md.append("| point | method | seeds | sample passes | final avg accuracy | 95% CI | forgetting |\n");
    md.append("|---|---|---:|---:|---:|---|---:|\n");
    for (Point p : points) {
      for (ExperimentTable.Row r : p.methods()) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %.3f | %s | %.3f |%n", p.label(), r.method(),
            r.seeds().size(), r.samplePasses() == null ? "-" : Long.toString(r.samplePasses()),
            r.finalAvgAccuracy().mean(), interval(r.finalAvgAccuracy().ci95()), r.forgetting().mean()));
      }
    }
    md.append("\n## Paired differences (").append(PairedDifferences.REFERENCE).append(" minus each method)\n\n");
    md.append("| point | method | seeds | accuracy difference | 95% CI | forgetting difference | 95% CI |\n");
    md.append("|---|---|---|---:|---|---:|---|\n");
    for (Point p : points) {
      if (p.pairedDifferences() == null) {
        continue;
      }
      for (PairedDifferences.Pair d : p.pairedDifferences().methods()) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %+.3f | %s | %+.3f | %s |%n", p.label(), d.method(),
            d.seeds(), d.finalAvgAccuracy().mean(), interval(d.finalAvgAccuracy().ci95()),
            d.forgetting().mean(), interval(d.forgetting().ci95())));
      }
    }
    md.append("\n## Settings per point\n\n");
    points.forEach(p -> md.append("- ").append(p.label()).append(": ").append(p.settings()).append('\n'));
    if (!notes.isEmpty()) {
      md.append("\n## Notes\n\n");
      notes.forEach(n -> md.append("- ").append(n).append('\n'));
    }
    md.append("\n![").append(title).append("](").append(CHART_FILE).append(")\n");
    return md.toString();
  }

  /**
   * Final accuracy against sample passes, one line per method; each point's 95% interval is drawn as a vertical
   * segment (XChart's error bars are symmetric, a bootstrap interval need not be).
   */
  XYChart chart(String title) {
    XYChart chart = new XYChartBuilder().width(1000).height(560).title(title)
        .xAxisTitle("sample passes (all steps)").yAxisTitle("final average accuracy").build();
    chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
    chart.getStyler().setXAxisDecimalPattern("#,##0");
    Map<String, List<double[]>> byMethod = new LinkedHashMap<>();
    for (Point p : points) {
      for (ExperimentTable.Row r : p.methods()) {
        if (r.samplePasses() != null) {
          ExperimentTable.Interval ci = r.finalAvgAccuracy().ci95();
          double mean = r.finalAvgAccuracy().mean();
          byMethod.computeIfAbsent(r.method(), m -> new ArrayList<>()).add(new double[] {r.samplePasses(), mean,
              ci == null ? mean : ci.low(), ci == null ? mean : ci.high()});
        }
      }
    }
    Color[] palette = chart.getStyler().getSeriesColors();
    int k = 0;
    for (Map.Entry<String, List<double[]>> e : byMethod.entrySet()) {
      List<double[]> xs = e.getValue();
      xs.sort((a, b) -> Double.compare(a[0], b[0]));
      Color colour = palette[k++ % palette.length];
      XYSeries line = chart.addSeries(e.getKey(), xs.stream().map(v -> v[0]).toList(),
          xs.stream().map(v -> v[1]).toList());
      line.setMarker(SeriesMarkers.CIRCLE);
      line.setLineColor(colour);
      line.setMarkerColor(colour);
      for (int i = 0; i < xs.size(); i++) {
        double[] v = xs.get(i);
        XYSeries bar = chart.addSeries(e.getKey() + " 95% CI " + i, List.of(v[0], v[0]), List.of(v[2], v[3]));
        bar.setMarker(SeriesMarkers.NONE);
        bar.setLineColor(colour);
        bar.setShowInLegend(false);
      }
    }
    return chart;
  }

  private static String interval(ExperimentTable.Interval ci) {
    return ci == null ? "-" : String.format(Locale.ROOT, "[%.3f, %.3f]", ci.low(), ci.high());
  }
}
