package io.adaptstream.cli.run.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The run's charts as PNG files (XChart, rendered headless): accuracy per skill, pool size, cluster composition. */
public final class DemoCharts {

  public static final String ACCURACY = "accuracy.png";
  public static final String POOL = "pool.png";
  public static final String CLUSTERS = "clusters.png";

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 560;

  private DemoCharts() {}

  /** Writes the three charts into {@code dir}; returns their file names. */
  public static List<String> write(DemoResult result, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    save(accuracy(result), dir.resolve(ACCURACY));
    save(pool(result), dir.resolve(POOL));
    save(clusters(result), dir.resolve(CLUSTERS));
    return List.of(ACCURACY, POOL, CLUSTERS);
  }

  /** One line per skill over the steps where it is evaluated, and the average in bold. */
  static XYChart accuracy(DemoResult result) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Accuracy per skill after each step (" + result.method() + ")").xAxisTitle("step (model version)")
        .yAxisTitle("accuracy").build();
    chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setXAxisDecimalPattern("0");
    TreeSet<String> skills = new TreeSet<>();
    result.steps().forEach(s -> skills.addAll(s.accuracy().keySet()));
    for (String skill : skills) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (DemoResult.Step s : result.steps()) {
        Double a = s.accuracy().get(skill);
        if (a != null) {
          x.add((double) s.step());
          y.add(a);
        }
      }
      XYSeries series = chart.addSeries(skill, x, y);
      series.setMarker(SeriesMarkers.CIRCLE);
      series.setLineStyle(new BasicStroke(1f));
    }
    XYSeries avg = chart.addSeries("average", result.steps().stream().map(s -> (double) s.step()).toList(),
        result.steps().stream().map(DemoResult.Step::avgAccuracy).toList());
    avg.setLineColor(Color.BLACK);
    avg.setMarkerColor(Color.BLACK);
    avg.setMarker(SeriesMarkers.DIAMOND);
    avg.setLineStyle(new BasicStroke(3.5f));
    return chart;
  }

  /** Pool scored, selected and pruned per step. */
  static CategoryChart pool(DemoResult result) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Pool, selection and pruning per step (" + result.method() + ")").xAxisTitle("step")
        .yAxisTitle("samples").build();
    chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
    List<DemoResult.Step> steps = result.steps().stream().filter(s -> s.step() > 0).toList();
    List<String> x = steps.stream().map(s -> Integer.toString(s.step())).toList();
    chart.addSeries("pool (scored)", x, steps.stream().map(s -> (Number) s.poolSize()).toList());
    chart.addSeries("of which fresh", x, steps.stream().map(s -> (Number) s.fresh()).toList());
    chart.addSeries("selected", x, steps.stream().map(s -> (Number) s.selected()).toList());
    chart.addSeries("pruned", x, steps.stream().map(s -> (Number) s.pruned()).toList());
    return chart;
  }

  /** Stacked bars: each step's pool split into its pseudo-task clusters. */
  static CategoryChart clusters(DemoResult result) {
    List<DemoResult.Step> steps = result.steps().stream().filter(s -> s.step() > 0).toList();
    List<String> x = steps.stream().map(s -> Integer.toString(s.step())).toList();
    TreeSet<Integer> ids = new TreeSet<>();
    steps.forEach(s -> s.clusters().forEach(c -> ids.add(c.id())));
    // the legend lists every cluster: make room for it
    int height = Math.max(HEIGHT, 120 + 30 * ids.size());
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(height)
        .title("Cluster sizes per step (" + result.method() + ")").xAxisTitle("step").yAxisTitle("samples").build();
    chart.getStyler().setStacked(true);
    chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
    for (int id : ids) {
      List<Number> y = new ArrayList<>();
      for (DemoResult.Step s : steps) {
        y.add(s.clusters().stream().filter(c -> c.id() == id).mapToLong(DemoResult.Cluster::size).sum());
      }
      chart.addSeries("cluster " + id, x, y);
    }
    if (ids.isEmpty()) {
      chart.addSeries("pool", x, steps.stream().map(s -> (Number) s.poolSize()).toList());
    }
    return chart;
  }

  private static void save(Chart<?, ?> chart, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG);
    }
  }

  /** The skills of the final step with their accuracy per step, for tables. */
  static Map<String, List<Double>> skillRows(DemoResult result) {
    Map<String, List<Double>> rows = new java.util.TreeMap<>();
    result.steps().forEach(s -> s.accuracy().keySet().forEach(k -> rows.putIfAbsent(k, new ArrayList<>())));
    for (Map.Entry<String, List<Double>> e : rows.entrySet()) {
      result.steps().forEach(s -> e.getValue().add(s.accuracy().get(e.getKey())));
    }
    return rows;
  }
}
