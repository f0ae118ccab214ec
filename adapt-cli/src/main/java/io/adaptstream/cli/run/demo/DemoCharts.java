package io.adaptstream.cli.run.demo;

import io.adaptstream.cli.run.continual.ContinualMetrics;
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
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The run's charts as PNG files (XChart, rendered headless): accuracy per skill, pool size, cluster composition,
 * and the accuracy matrix (every version on every skill) as a heatmap.
 */
public final class DemoCharts {

  public static final String ACCURACY = "accuracy.png";
  public static final String POOL = "pool.png";
  public static final String CLUSTERS = "clusters.png";
  public static final String MATRIX = "matrix.png";

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 560;

  private DemoCharts() {}

  /** Writes the charts into {@code dir} (the heatmap when the result has a matrix); returns their file names. */
  public static List<String> write(DemoResult result, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    save(accuracy(result), dir.resolve(ACCURACY));
    save(pool(result), dir.resolve(POOL));
    save(clusters(result), dir.resolve(CLUSTERS));
    List<String> written = new ArrayList<>(List.of(ACCURACY, POOL, CLUSTERS));
    if (result.matrix() != null && !result.matrix().skills().columns().isEmpty()) {
      save(matrix(result.matrix().skills(), result.method()), dir.resolve(MATRIX));
      written.add(MATRIX);
    }
    return written;
  }

  /**
   * The accuracy matrix as a heatmap: one row per model version (v0 at the bottom), one column per skill in order
   * of introduction, each evaluated cell coloured and labelled with its accuracy; a cell not evaluated is blank.
   */
  static HeatMapChart matrix(ContinualMetrics.Matrix m, String method) {
    int versions = m.accuracy().size();
    int height = Math.max(HEIGHT, 260 + 40 * versions);
    HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(WIDTH, 200 + 60 * m.columns().size()))
        .height(height).title("Accuracy matrix R[t][j]: version t on skill j (" + method + ")")
        .xAxisTitle("skill (in order of introduction)").yAxisTitle("model version").build();
    chart.getStyler().setShowValue(true).setHeatMapValueDecimalPattern("0.00").setMin(0.0).setMax(1.0)
        .setRangeColors(new Color[] {new Color(0xF7FBFF), new Color(0x9ECAE1), new Color(0x4292C6)})
        .setValueFontColor(Color.BLACK);
    chart.getStyler().setXAxisLabelRotation(45);
    chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
    List<String> rows = new ArrayList<>();
    for (int t = 0; t < versions; t++) {
      rows.add("v" + t);
    }
    List<Number[]> cells = new ArrayList<>();
    for (int t = 0; t < versions; t++) {
      List<Double> row = m.accuracy().get(t);
      for (int j = 0; j < row.size(); j++) {
        if (row.get(j) != null) {
          cells.add(new Number[] {j, t, row.get(j)});
        }
      }
    }
    chart.addSeries("accuracy", m.columns(), rows, cells);
    return chart;
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
