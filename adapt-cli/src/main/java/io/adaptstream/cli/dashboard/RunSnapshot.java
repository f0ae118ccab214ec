package io.adaptstream.cli.dashboard;

import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.selector.query.ClusterView;
import io.adaptstream.selector.query.PoolView;
import io.adaptstream.selector.query.StepView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Everything the dashboard knows about a run at one moment, as read from the selector and the topics: the input of
 * {@link DashboardJson#state}, kept apart from the reading so that the page's JSON is tested without a broker.
 *
 * @param selectorUrl the selector's query server, or null while it is not known
 * @param selectorProblem why the selector's part is stale or missing, or null
 * @param topicsProblem why the models, evaluations or dead letters are stale or missing, or null
 * @param clusters the clusters of each step that has them, by step
 * @param deadLetters dead letters of the deployment by reason
 * @param deadLettersByService dead letters by the service that wrote them
 */
public record RunSnapshot(String runId, String selectorUrl, String selectorProblem, String topicsProblem,
    List<StepView> steps, Optional<PoolView> pool, Map<Integer, List<ClusterView>> clusters,
    SortedMap<Integer, ModelVersion> models, SortedMap<Integer, EvalResult> evals, Map<String, Long> deadLetters,
    Map<String, Long> deadLettersByService, Optional<MatrixView> matrix) {

  /** Where a step is, the selector's phase followed by the trainer's: training, evaluating, evaluated. */
  public static String stage(StepView step, boolean modelExists, boolean evalExists) {
    if (evalExists) {
      return "evaluated";
    }
    if (modelExists) {
      return "evaluating";
    }
    return step.done() ? "training" : step.phase();
  }
}
