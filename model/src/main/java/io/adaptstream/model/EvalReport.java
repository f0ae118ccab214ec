package io.adaptstream.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * Accuracy per evaluation group.
 *
 * @param accuracy per group, the mean {@link AnswerMetric} score in [0, 1]
 * @param support per group, the number of test examples
 * @param average the mean of the groups' accuracies (each group weighs the same, whatever its size)
 */
public record EvalReport(Map<String, Double> accuracy, Map<String, Long> support, double average) {

  public EvalReport {
    accuracy = Map.copyOf(accuracy);
    support = Map.copyOf(support);
  }

  /** Groups in name order, for printing. */
  public Map<String, Double> sortedAccuracy() {
    return new TreeMap<>(accuracy);
  }
}
