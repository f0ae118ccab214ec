package io.adaptstream.cli.run.experiment;

import io.adaptstream.cli.run.demo.DemoResult;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's table figures (final average accuracy, forgetting, final accuracy per skill group) recomputed from its
 * per-test-sample scores under a resample of the test samples, for {@link Bootstrap}.
 *
 * <p>A skill is resampled at a step only where that step's {@code testScores} hold as many scores as were drawn
 * (the final step's count): the indices then name the same test samples. Otherwise (no scores recorded, or a test
 * set that grew between steps) the step's recorded accuracy of the skill is used as it is. The scores are copied
 * into arrays once per run: a table draws thousands of resamples of every run.
 */
final class RunFigures {

  private final String[] skills;
  private final String[] groupOf;
  /** [step][final skill]: the recorded accuracy, NaN where the step lacks the skill. */
  private final double[][] accuracy;
  /** [step][final skill]: the per-test-sample scores, null where there are none. */
  private final double[][][] scores;
  private final Map<String, Integer> testSamples = new TreeMap<>();

  private RunFigures(DemoResult r) {
    DemoResult.Step last = last(r);
    skills = last.accuracy().keySet().toArray(String[]::new);
    groupOf = new String[skills.length];
    for (int k = 0; k < skills.length; k++) {
      groupOf[k] = ExperimentTable.group(skills[k]);
    }
    int steps = r.steps().size();
    accuracy = new double[steps][skills.length];
    scores = new double[steps][skills.length][];
    for (int t = 0; t < steps; t++) {
      DemoResult.Step s = r.steps().get(t);
      for (int k = 0; k < skills.length; k++) {
        Double a = s.accuracy().get(skills[k]);
        accuracy[t][k] = a == null ? Double.NaN : a;
        List<Double> list = s.testScores().get(skills[k]);
        if (a != null && list != null && !list.isEmpty()) {
          scores[t][k] = list.stream().mapToDouble(Double::doubleValue).toArray();
        }
      }
    }
    for (int k = 0; k < skills.length; k++) {
      double[] end = scores[steps - 1][k];
      if (end != null) {
        testSamples.put(skills[k], end.length);
      }
    }
  }

  static RunFigures of(DemoResult r) {
    return new RunFigures(r);
  }

  /** Per skill, the test samples of the final step that can be resampled. */
  Map<String, Integer> testSamples() {
    return testSamples;
  }

  /** The skills both runs can resample with the same indices: same skill, same number of test samples. */
  static Map<String, Integer> commonTestSamples(RunFigures a, RunFigures b) {
    Map<String, Integer> out = new TreeMap<>();
    a.testSamples.forEach((skill, n) -> {
      if (n.equals(b.testSamples.get(skill))) {
        out.put(skill, n);
      }
    });
    return out;
  }

  /** Each final skill's resampled indices, null where it is not resampled. */
  private int[][] indices(Map<String, int[]> resample) {
    int[][] idx = new int[skills.length][];
    for (int k = 0; k < skills.length; k++) {
      idx[k] = resample.get(skills[k]);
    }
    return idx;
  }

  /** Skill {@code k}'s accuracy at step {@code t} under the resample (NaN where the step lacks it). */
  private double accuracy(int t, int k, int[] idx) {
    double[] s = scores[t][k];
    if (idx == null || s == null || s.length != idx.length) {
      return accuracy[t][k];
    }
    double sum = 0;
    for (int i : idx) {
      sum += s[i];
    }
    return sum / idx.length;
  }

  /** The mean over the final skills. */
  double finalAvgAccuracy(Map<String, int[]> resample) {
    int[][] idx = indices(resample);
    int last = accuracy.length - 1;
    double sum = 0;
    for (int k = 0; k < skills.length; k++) {
      sum += accuracy(last, k, idx[k]);
    }
    return skills.length == 0 ? 0 : sum / skills.length;
  }

  /** Mean over the final skills of (best accuracy at any step − final accuracy), as {@link DemoResult#forgetting}. */
  double forgetting(Map<String, int[]> resample) {
    if (skills.length == 0) {
      return 0;
    }
    int[][] idx = indices(resample);
    int last = accuracy.length - 1;
    double sum = 0;
    for (int k = 0; k < skills.length; k++) {
      double end = accuracy(last, k, idx[k]);
      double best = end;
      for (int t = 0; t < last; t++) {
        if (!Double.isNaN(accuracy[t][k])) {
          best = Math.max(best, accuracy(t, k, idx[k]));
        }
      }
      sum += best - end;
    }
    return sum / skills.length;
  }

  /** The final accuracy of each of {@code groups} (mean over its skills), NaN for a group the run lacks. */
  double[] groups(List<String> groups, Map<String, int[]> resample) {
    int[][] idx = indices(resample);
    int last = accuracy.length - 1;
    double[] sum = new double[groups.size()];
    int[] n = new int[groups.size()];
    for (int k = 0; k < skills.length; k++) {
      int g = groups.indexOf(groupOf[k]);
      if (g >= 0) {
        sum[g] += accuracy(last, k, idx[k]);
        n[g]++;
      }
    }
    double[] out = new double[groups.size()];
    for (int g = 0; g < out.length; g++) {
      out[g] = n[g] == 0 ? Double.NaN : sum[g] / n[g];
    }
    return out;
  }

  private static DemoResult.Step last(DemoResult r) {
    return r.steps().get(r.steps().size() - 1);
  }
}
