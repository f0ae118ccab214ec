package io.adaptstream.cli.run.experiment;

import io.adaptstream.cli.run.demo.DemoResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The experiment's charts (XChart PNG, rendered headless): average accuracy over the steps per method, final
 * accuracy per skill group per method, and the retention of the rare multilingual skills over the steps.
 */
public final class ExperimentCharts {

  public static final String ACCURACY = "accuracy-over-steps.png";
  public static final String GROUPS = "skill-groups.png";
  public static final String MULTILINGUAL = "multilingual-retention.png";
  /** The skill group whose retention gets a chart of its own. */
  public static final String RARE_GROUP = "multilingual";

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 560;

  private ExperimentCharts() {}

  /** Writes the charts into {@code dir}; returns their file names (no multilingual chart without such skills). */
  public static List<String> write(ExperimentTable table, List<ExperimentTable.Run> runs, Path dir)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<String> written = new ArrayList<>();
    save(overSteps(runs, "Average accuracy after each step (mean over seeds)", "accuracy",
        DemoResult.Step::avgAccuracy), dir.resolve(ACCURACY));
    written.add(ACCURACY);
    save(groups(table), dir.resolve(GROUPS));
    written.add(GROUPS);
    boolean rare = runs.stream().flatMap(r -> r.result().steps().stream())
        .anyMatch(s -> s.accuracy().keySet().stream().anyMatch(k -> ExperimentTable.group(k).equals(RARE_GROUP)));
    if (rare) {
      save(overSteps(runs, "Multilingual skills after each step (mean over seeds)", "accuracy of multilingual.*",
          s -> rareAccuracy(s).orElse(Double.NaN)), dir.resolve(MULTILINGUAL));
      written.add(MULTILINGUAL);
    }
    return written;
  }

  /** The mean accuracy of the step's {@value #RARE_GROUP} skills, if it evaluates any. */
  static OptionalDouble rareAccuracy(DemoResult.Step s) {
    return s.accuracy().entrySet().stream().filter(e -> ExperimentTable.group(e.getKey()).equals(RARE_GROUP))
        .mapToDouble(Map.Entry::getValue).average();
  }

  /** Per method, the per-step mean over seeds of {@code value} (NaN values, i.e. not evaluated, are left out). */
  static Map<String, TreeMap<Integer, Double>> perStep(List<ExperimentTable.Run> runs,
      java.util.function.ToDoubleFunction<DemoResult.Step> value) {
    Map<String, TreeMap<Integer, List<Double>>> acc = new LinkedHashMap<>();
    for (ExperimentTable.Run r : runs) {
      for (DemoResult.Step s : r.result().steps()) {
        double v = value.applyAsDouble(s);
        if (!Double.isNaN(v)) {
          acc.computeIfAbsent(r.method(), m -> new TreeMap<>()).computeIfAbsent(s.step(), k -> new ArrayList<>())
              .add(v);
        }
      }
    }
    Map<String, TreeMap<Integer, Double>> out = new LinkedHashMap<>();
    acc.forEach((m, steps) -> {
      TreeMap<Integer, Double> means = new TreeMap<>();
      steps.forEach((t, l) -> means.put(t, l.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
      out.put(m, means);
    });
    return out;
  }

  private static XYChart overSteps(List<ExperimentTable.Run> runs, String title, String yTitle,
      java.util.function.ToDoubleFunction<DemoResult.Step> value) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("step (model version)")
        .yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setXAxisDecimalPattern("0");
    perStep(runs, value).forEach((method, means) -> {
      if (!means.isEmpty()) {
        chart.addSeries(method, means.keySet().stream().map(Integer::doubleValue).toList(),
            List.copyOf(means.values())).setMarker(SeriesMarkers.CIRCLE);
      }
    });
    return chart;
  }

  private static CategoryChart groups(ExperimentTable table) {
    List<String> groups = table.groupNames();
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Final accuracy per skill group (mean over seeds)").xAxisTitle("skill group").yAxisTitle("accuracy")
        .build();
    chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    List<String> x = groups.isEmpty() ? List.of("-") : groups;
    for (ExperimentTable.Row row : table.methods()) {
      chart.addSeries(row.method(), x, x.stream().map(g -> (Number) row.groups().getOrDefault(g, 0.0)).toList());
    }
    return chart;
  }

  private static void save(Chart<?, ?> chart, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG);
    }
  }
}
