package io.adaptstream.cli.dashboard;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.RunTopics;
import io.adaptstream.runtime.TopicReader;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.selector.query.ClusterView;
import io.adaptstream.selector.query.PoolView;
import io.adaptstream.selector.query.SelectorClient;
import io.adaptstream.selector.query.SelectorClient.SelectorClientException;
import io.adaptstream.selector.query.StepView;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a run as it goes, one {@link #poll} at a time, and keeps the last good answer of each source when a source
 * stops answering (a restarting selector, a broker that is down): the selector's steps, pool and clusters (a step's
 * clusters are asked for until the step is done, then kept), the run's models and evaluations
 * ({@link RunTopics}, once its topics exist) and the deployment's dead letters, counted by reason. Not thread-safe:
 * one thread polls.
 */
final class RunWatcher implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Set<String> CLUSTERED = Set.of("fitted", "done");

  private final Deployment deployment;
  private final String runId;
  private final String modelName;
  private final Supplier<Optional<URI>> selectorUrl;
  private final MatrixSource matrixSource;
  private final Admin admin;
  private final TopicCatalogue catalogue;
  private RunTopics topics;
  private SelectorClient selector;
  private URI selectorAt;
  private KafkaConsumer<String, byte[]> deadLetterConsumer;
  private final Deserializer<DeadLetter> deadLetterReader;

  private List<StepView> steps = List.of();
  private Optional<PoolView> pool = Optional.empty();
  private final Map<Integer, List<ClusterView>> clusters = new HashMap<>();
  private final Set<Integer> clustersFinal = new java.util.HashSet<>();
  private final Map<String, Long> deadLetters = new TreeMap<>();
  private final Map<String, Long> deadLettersByService = new TreeMap<>();

  RunWatcher(Deployment deployment, String runId, String modelName, Supplier<Optional<URI>> selectorUrl,
      MatrixSource matrixSource, Admin admin) {
    this.deployment = deployment;
    this.runId = runId;
    this.modelName = modelName;
    this.selectorUrl = selectorUrl;
    this.matrixSource = matrixSource;
    this.admin = admin;
    this.catalogue = deployment.catalogue(runId);
    this.deadLetterReader = deployment.serdes().deserializer(DeadLetter.class);
  }

  /** Reads what is new from every source and returns the run as it now stands. */
  RunSnapshot poll() {
    Optional<URI> selector = selectorUrl.get();
    String selectorProblem = selector.isEmpty() ? "the selector's address is not known yet" : pollSelector(selector.get());
    String topicsProblem = pollTopics();
    SortedMap<Integer, ModelVersion> models = new TreeMap<>();
    SortedMap<Integer, EvalResult> evals = new TreeMap<>();
    if (topics != null) {
      topics.models().forEach((v, s) -> models.put(v, s.value()));
      evals.putAll(topics.evals());
    }
    Optional<MatrixView> matrix;
    try {
      matrix = matrixSource.matrix(evals);
    } catch (RuntimeException e) {
      matrix = Optional.empty();
    }
    Map<Integer, List<ClusterView>> c = new TreeMap<>(clusters);
    return new RunSnapshot(runId, selector.map(URI::toString).orElse(null), selectorProblem, topicsProblem, steps,
        pool, c, models, evals, Map.copyOf(deadLetters), Map.copyOf(deadLettersByService), matrix);
  }

  private String pollSelector(URI url) {
    try {
      if (selector == null || !selectorAt.equals(url)) { // one client (and its HTTP connection pool) per address
        selector = new SelectorClient(url, TIMEOUT);
        selectorAt = url;
      }
      SelectorClient client = selector;
      List<StepView> now = client.steps();
      pool = Optional.of(client.pool());
      steps = List.copyOf(now);
      for (StepView v : now) {
        if (CLUSTERED.contains(v.phase()) && !clustersFinal.contains(v.step())) {
          clusters.put(v.step(), List.copyOf(client.clusters(v.step())));
          if (v.done()) {
            clustersFinal.add(v.step());
          }
        }
      }
      return null;
    } catch (SelectorClientException e) {
      return e.getMessage();
    }
  }

  private String pollTopics() {
    try {
      if (topics == null) {
        Set<String> names = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!names.containsAll(List.of(catalogue.models.name(), catalogue.evals.name()))) {
          pollDeadLetters(names);
          return "run " + runId + " has no model topics yet (" + catalogue.models.name() + ")";
        }
        topics = new RunTopics(deployment, runId, modelName);
        pollDeadLetters(names);
      } else {
        pollDeadLetters(null);
      }
      topics.catchUp(TIMEOUT);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (Exception e) {
      return "cannot read the run's topics at " + deployment.bootstrapServers() + ": " + e.getMessage();
    }
  }

  /** Counts the dead letters that are new; {@code names} (when given) says whether the topic exists yet. */
  private void pollDeadLetters(Set<String> names) {
    if (deadLetterConsumer == null) {
      if (names == null || !names.contains(catalogue.dlq.name())) {
        return;
      }
      Map<String, Object> props = TopicReader.readerProps(
          Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, deployment.bootstrapServers()));
      props.put(ConsumerConfig.CLIENT_ID_CONFIG, "adapt-dashboard-dlq-" + runId);
      deadLetterConsumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
      List<TopicPartition> parts = new ArrayList<>();
      for (int p = 0; p < catalogue.dlq.partitions(); p++) {
        parts.add(new TopicPartition(catalogue.dlq.name(), p));
      }
      deadLetterConsumer.assign(parts);
      deadLetterConsumer.seekToBeginning(parts);
    }
    for (ConsumerRecord<String, byte[]> r : deadLetterConsumer.poll(Duration.ofMillis(100))) {
      if (r.value() == null) {
        continue;
      }
      try {
        DeadLetter d = deadLetterReader.deserialize(r.topic(), r.value());
        deadLetters.merge(d.getReason().toString(), 1L, Long::sum);
        deadLettersByService.merge(d.getService().toString(), 1L, Long::sum);
      } catch (RuntimeException e) {
        deadLetters.merge("unreadable", 1L, Long::sum);
      }
    }
  }

  @Override
  public void close() {
    if (topics != null) {
      topics.close();
    }
    if (deadLetterConsumer != null) {
      deadLetterConsumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }
}
