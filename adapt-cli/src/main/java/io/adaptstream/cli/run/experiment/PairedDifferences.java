package io.adaptstream.cli.run.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.adaptstream.cli.run.continual.ContinualMetrics;
import io.adaptstream.cli.run.demo.DemoResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.TreeMap;

/**
 * The reference method minus each other method, paired: the same seeds and, within a seed, the same test samples
 * in every bootstrap draw ({@link Bootstrap}), so what the two methods share (the data of a seed, the hard test
 * samples) cancels out of the difference and only what they did differently is left.
 *
 * @param reference the method the others are subtracted from ({@link #REFERENCE})
 * @param methods one entry per other method with at least one seed in common with the reference
 */
@JsonPropertyOrder({"reference", "methods"})
public record PairedDifferences(String reference, List<Pair> methods) {

  /** The method whose gains the table is about. */
  public static final String REFERENCE = "adapt";

  public PairedDifferences {
    methods = List.copyOf(methods);
  }

  /**
   * {@code reference − method}, over the seeds both have: mean and standard deviation over those seeds of the
   * per-seed difference, and its 95% interval.
   *
   * @param seeds the seeds in common
   * @param backwardTransfer reference − method of the skill matrices' BWT, over the common seeds where both runs
   *     have it, its interval resampling those seeds (both methods' values of a seed drawn together); null where
   *     no common seed has it
   * @param forwardTransfer the same for FWT
   */
  @JsonPropertyOrder({"method", "seeds", "finalAvgAccuracy", "forgetting", "backwardTransfer", "forwardTransfer"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Pair(String method, List<Long> seeds, ExperimentTable.Stat finalAvgAccuracy,
      ExperimentTable.Stat forgetting, ExperimentTable.Stat backwardTransfer,
      ExperimentTable.Stat forwardTransfer) {
    public Pair {
      seeds = List.copyOf(seeds);
    }
  }

  /**
   * The differences of {@code reference} against every other method of {@code byMethod}; null (and a note) when
   * the reference is not among them.
   */
  static PairedDifferences of(String reference, Map<String, List<ExperimentTable.Run>> byMethod,
      List<String> notes) {
    List<ExperimentTable.Run> ref = byMethod.get(reference);
    if (ref == null) {
      notes.add(reference + " is not among the methods: no paired differences");
      return null;
    }
    List<Pair> out = new ArrayList<>();
    byMethod.forEach((method, runs) -> {
      if (!method.equals(reference)) {
        Pair p = pair(ref, runs, method);
        if (p == null) {
          notes.add(method + " has no seed in common with " + reference + ": no paired difference");
        } else {
          out.add(p);
        }
      }
    });
    return new PairedDifferences(reference, out);
  }

  /** {@code a − b} over their common seeds, labelled {@code method}; null without a common seed. */
  static Pair pair(List<ExperimentTable.Run> a, List<ExperimentTable.Run> b, String method) {
    Map<Long, DemoResult> ra = bySeed(a);
    Map<Long, DemoResult> rb = bySeed(b);
    List<Long> seeds = ra.keySet().stream().filter(rb::containsKey).toList();
    if (seeds.isEmpty()) {
      return null;
    }
    List<Map<String, Integer>> sizes = new ArrayList<>();
    List<RunFigures> fa = new ArrayList<>();
    List<RunFigures> fb = new ArrayList<>();
    List<Double> acc = new ArrayList<>();
    List<Double> forg = new ArrayList<>();
    List<Double> bwt = new ArrayList<>();
    List<Double> fwt = new ArrayList<>();
    for (long s : seeds) {
      DemoResult x = ra.get(s);
      DemoResult y = rb.get(s);
      bwt.add(difference(x, y, ContinualMetrics.Metrics::backwardTransfer));
      fwt.add(difference(x, y, ContinualMetrics.Metrics::forwardTransfer));
      fa.add(RunFigures.of(x));
      fb.add(RunFigures.of(y));
      sizes.add(RunFigures.commonTestSamples(fa.get(fa.size() - 1), fb.get(fb.size() - 1)));
      acc.add(x.finalAvgAccuracy() - y.finalAvgAccuracy());
      forg.add(x.forgetting() - y.forgetting());
    }
    List<ExperimentTable.Interval> ci = Bootstrap.intervals(sizes, 2, (i, resample) -> new double[] {
        fa.get(i).finalAvgAccuracy(resample) - fb.get(i).finalAvgAccuracy(resample),
        fa.get(i).forgetting(resample) - fb.get(i).forgetting(resample)});
    return new Pair(method, seeds, ExperimentTable.Stat.of(acc, ci == null ? null : ci.get(0)),
        ExperimentTable.Stat.of(forg, ci == null ? null : ci.get(1)), ExperimentTable.seedStat(bwt),
        ExperimentTable.seedStat(fwt));
  }

  /** {@code metric(a) − metric(b)} of the two runs' skill matrices; null when either lacks it. */
  private static Double difference(DemoResult a, DemoResult b,
      Function<ContinualMetrics.Metrics, Double> metric) {
    ContinualMetrics.Metrics ma = ExperimentTable.continual(a);
    ContinualMetrics.Metrics mb = ExperimentTable.continual(b);
    Double va = ma == null ? null : metric.apply(ma);
    Double vb = mb == null ? null : metric.apply(mb);
    return va == null || vb == null ? null : va - vb;
  }

  private static Map<Long, DemoResult> bySeed(List<ExperimentTable.Run> runs) {
    Map<Long, DemoResult> m = new TreeMap<>();
    runs.forEach(r -> m.putIfAbsent(r.seed(), r.result()));
    return m;
  }
}
