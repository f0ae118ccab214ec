package io.adaptstream.cli.experiment;

import io.adaptstream.cli.demo.DemoResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's table figures (final average accuracy, forgetting, final accuracy per skill group) recomputed from its
 * per-test-sample scores under a resample of the test samples, for {@link Bootstrap}.
 *
 * <p>A skill is resampled at a step only where that step's {@code testScores} hold as many scores as were drawn
 * (the final step's count): the indices then name the same test samples. Otherwise (no scores recorded, or a test
 * set that grew between steps) the step's recorded accuracy of the skill is used as it is.
 */
final class RunFigures {

  private RunFigures() {}

  /** Per skill, the test samples of the final step that can be resampled. */
  static Map<String, Integer> testSamples(DemoResult r) {
    DemoResult.Step last = last(r);
    Map<String, Integer> out = new TreeMap<>();
    last.accuracy().keySet().forEach(skill -> {
      List<Double> scores = last.testScores().get(skill);
      if (scores != null && !scores.isEmpty()) {
        out.put(skill, scores.size());
      }
    });
    return out;
  }

  /** The skills both runs can resample with the same indices: same skill, same number of test samples. */
  static Map<String, Integer> commonTestSamples(DemoResult a, DemoResult b) {
    Map<String, Integer> sa = testSamples(a);
    Map<String, Integer> sb = testSamples(b);
    Map<String, Integer> out = new TreeMap<>();
    sa.forEach((skill, n) -> {
      if (n.equals(sb.get(skill))) {
        out.put(skill, n);
      }
    });
    return out;
  }

  /** A skill's accuracy at a step under the resample (its recorded accuracy where it cannot be resampled). */
  static double accuracy(DemoResult.Step step, String skill, Map<String, int[]> resample) {
    int[] idx = resample.get(skill);
    List<Double> scores = step.testScores().get(skill);
    if (idx == null || scores == null || scores.size() != idx.length) {
      return step.accuracy().get(skill);
    }
    double sum = 0;
    for (int i : idx) {
      sum += scores.get(i);
    }
    return sum / idx.length;
  }

  /** The mean over the final skills. */
  static double finalAvgAccuracy(DemoResult r, Map<String, int[]> resample) {
    DemoResult.Step last = last(r);
    return last.accuracy().keySet().stream().mapToDouble(k -> accuracy(last, k, resample)).average().orElse(0);
  }

  /** Mean over the final skills of (best accuracy at any step − final accuracy), as {@link DemoResult#forgetting}. */
  static double forgetting(DemoResult r, Map<String, int[]> resample) {
    DemoResult.Step last = last(r);
    if (last.accuracy().isEmpty()) {
      return 0;
    }
    double sum = 0;
    for (String skill : last.accuracy().keySet()) {
      double end = accuracy(last, skill, resample);
      double best = end;
      for (DemoResult.Step s : r.steps()) {
        if (s.accuracy().containsKey(skill)) {
          best = Math.max(best, accuracy(s, skill, resample));
        }
      }
      sum += best - end;
    }
    return sum / last.accuracy().size();
  }

  /** The final accuracy of each of {@code groups} (mean over its skills), NaN for a group the run lacks. */
  static double[] groups(DemoResult r, List<String> groups, Map<String, int[]> resample) {
    DemoResult.Step last = last(r);
    Map<String, List<Double>> per = new TreeMap<>();
    last.accuracy().keySet().forEach(skill -> per.computeIfAbsent(ExperimentTable.group(skill),
        g -> new ArrayList<>()).add(accuracy(last, skill, resample)));
    double[] out = new double[groups.size()];
    for (int i = 0; i < out.length; i++) {
      List<Double> list = per.get(groups.get(i));
      out[i] = list == null ? Double.NaN : list.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
    return out;
  }

  static DemoResult.Step last(DemoResult r) {
    return r.steps().get(r.steps().size() - 1);
  }
}
