package io.adaptstream.cli.dashboard;

import io.adaptstream.avro.EvalResult;
import io.adaptstream.cli.run.continual.ContinualMetrics;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Where the dashboard gets the accuracy matrix of a run from, given the evaluations it has read so far: the one
 * hook between the dashboard and whatever computes the matrix (and its forgetting and transfer metrics), so the
 * heatmap needs no other change when that code arrives. Until then the page says the matrix is not available yet.
 */
@FunctionalInterface
public interface MatrixSource {

  /** No matrix: the page shows "not available yet". */
  MatrixSource NONE = evals -> Optional.empty();

  /**
   * The run's continual-learning metrics ({@link ContinualMetrics}) of versions 0 to the newest evaluated, exactly
   * as {@code adapt status --json} writes them under {@code "matrix"}.
   */
  MatrixSource CONTINUAL = evals -> evals.isEmpty() ? Optional.empty()
      : ContinualMetrics.ofRecords(evals, evals.lastKey()).flatMap(m -> MatrixView.fromStatusJson(
          DashboardJson.JSON.createObjectNode().set("matrix", DashboardJson.JSON.valueToTree(m))));

  /** @param evals the run's evaluations by model version */
  Optional<MatrixView> matrix(SortedMap<Integer, EvalResult> evals);
}
