package io.adaptstream.cli.run;

import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.cli.run.continual.ContinualMetrics;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.selector.query.ClusterView;
import io.adaptstream.selector.query.PoolView;
import io.adaptstream.selector.query.SelectorClient;
import io.adaptstream.selector.query.SelectorClient.SelectorClientException;
import io.adaptstream.selector.query.StepView;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Where a run stands: its current step and phase, the pool, the clusters of the latest clustered step with their
 * scorers (from the selector's interactive queries), and its latest model version and evaluation (from its
 * {@code models} and {@code evals} topics). Either part may be missing, with the reason.
 *
 * @param clustersStep the step {@code clusters} belong to (the current one once it is clustered, else the one
 *     before), or -1
 * @param selectorProblem why the selector's part is missing, or null
 * @param topicsProblem why the model part is missing, or null
 * @param matrix the continual-learning metrics of versions 0 to the latest (from every evaluation record); empty
 *     while there is no version or one of them cannot be read
 */
public record RunStatus(String runId, Optional<URI> selectorUrl, Optional<StepView> step, Optional<PoolView> pool,
    int clustersStep, List<ClusterView> clusters, String selectorProblem, Optional<ModelVersion> model,
    Optional<EvalResult> evaluation, String topicsProblem, Optional<ContinualMetrics> matrix) {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Asks the selector (when its address is known) and reads the run's topics. */
  public static RunStatus read(Deployment deployment, String runId, String modelName, Optional<URI> selectorUrl) {
    Optional<StepView> step = Optional.empty();
    Optional<PoolView> pool = Optional.empty();
    List<ClusterView> clusters = List.of();
    int clustersStep = -1;
    String selectorProblem = null;
    if (selectorUrl.isEmpty()) {
      selectorProblem = "no selector address (give --selector-url, or run the services in local mode)";
    } else {
      try {
        SelectorClient client = new SelectorClient(selectorUrl.get(), TIMEOUT);
        List<StepView> steps = client.steps();
        pool = Optional.of(client.pool());
        if (!steps.isEmpty()) {
          StepView last = steps.get(steps.size() - 1);
          step = Optional.of(last);
          boolean clustered = Set.of("fitted", "done").contains(last.phase());
          clustersStep = clustered ? last.step() : last.step() - 1;
          clusters = clustersStep >= 1 ? client.clusters(clustersStep) : List.of();
        }
      } catch (SelectorClientException e) {
        selectorProblem = e.getMessage();
      }
    }
    Optional<ModelVersion> model = Optional.empty();
    Optional<EvalResult> eval = Optional.empty();
    Optional<ContinualMetrics> matrix = Optional.empty();
    String topicsProblem = null;
    TopicCatalogue catalogue = deployment.catalogue(runId);
    if (!topicsExist(deployment, List.of(catalogue.models.name(), catalogue.evals.name()))) {
      topicsProblem = "run " + runId + " has no model topics yet (" + catalogue.models.name() + ")";
    } else {
      try (RunTopics topics = new RunTopics(deployment, runId, modelName)) {
        topics.catchUp(TIMEOUT);
        model = topics.latestModel().map(RunTopics.Stamped::value);
        eval = topics.latestEval();
        if (eval.isPresent()) {
          matrix = ContinualMetrics.ofRecords(topics.evals(), eval.get().getVersion());
        }
      } catch (RuntimeException e) {
        topicsProblem = "cannot read " + catalogue.models.name() + ": " + e.getMessage();
      }
    }
    return new RunStatus(runId, selectorUrl, step, pool, clustersStep, clusters, selectorProblem, model, eval,
        topicsProblem, matrix);
  }

  private static boolean topicsExist(Deployment deployment, List<String> names) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, deployment.bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000))) {
      return admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).containsAll(names);
    } catch (Exception e) {
      throw new IllegalStateException("the broker at " + deployment.bootstrapServers() + " does not answer: "
          + e.getMessage(), e);
    }
  }
}
