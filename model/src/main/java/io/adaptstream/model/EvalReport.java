package io.adaptstream.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accuracy per evaluation group, with the score of every example behind it.
 *
 * <p>The per-example scores are what confidence intervals (a bootstrap over test examples) and paired differences
 * between two models evaluated on the same examples are computed from; the accuracies alone cannot give either.
 *
 * @param accuracy per group, the mean {@link AnswerMetric} score in [0, 1]
 * @param support per group, the number of test examples
 * @param average the mean of the groups' accuracies (each group weighs the same, whatever its size)
 * @param itemScores per group, the {@link AnswerMetric} score of each of its examples, in the order the examples
 *     were given to {@link Evaluator#evaluate}; their mean is the group's accuracy
 */
public record EvalReport(Map<String, Double> accuracy, Map<String, Long> support, double average,
    Map<String, List<Double>> itemScores) {

  public EvalReport {
    accuracy = Map.copyOf(accuracy);
    support = Map.copyOf(support);
    Map<String, List<Double>> scores = new HashMap<>();
    itemScores.forEach((group, values) -> scores.put(group, List.copyOf(values)));
    itemScores = Map.copyOf(scores);
  }

  /** Groups in name order, for printing. */
  public Map<String, Double> sortedAccuracy() {
    return new TreeMap<>(accuracy);
  }
}
