package io.adaptstream.cli.run;

import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.runtime.TopicReader;
import io.adaptstream.schemas.TopicCatalogue;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a run's {@code models} and {@code evals} topics (read_committed, no consumer group): which model versions
 * exist, when each was published, and how each scored. A version is only ever read together with everything its
 * transaction committed, so a version seen here is final.
 */
public final class RunTopics implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RunTopics.class);

  /** A record's value with the time the broker stamped it (the producer's send time). */
  public record Stamped<V>(V value, long timestampMs) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final TopicPartition models;
  private final TopicPartition evals;
  private final Deserializer<ModelVersion> modelReader;
  private final Deserializer<EvalResult> evalReader;
  private final String keyPrefix;
  private final SortedMap<Integer, Stamped<ModelVersion>> versions = new TreeMap<>();
  private final SortedMap<Integer, EvalResult> evaluations = new TreeMap<>();

  public RunTopics(Deployment deployment, String runId, String modelName) {
    TopicCatalogue catalogue = deployment.catalogue(runId);
    this.models = new TopicPartition(catalogue.models.name(), 0);
    this.evals = new TopicPartition(catalogue.evals.name(), 0);
    this.modelReader = deployment.serdes().deserializer(ModelVersion.class);
    this.evalReader = deployment.serdes().deserializer(EvalResult.class);
    this.keyPrefix = modelName + "@"; // keys are TrainerService.versionKey(model, version)
    Map<String, Object> props = TopicReader.readerProps(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, deployment.bootstrapServers()));
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "adapt-run-topics-" + runId);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.assign(List.of(models, evals));
    consumer.seekToBeginning(List.of(models, evals));
  }

  /** Reads what is new, waiting up to {@code timeout} for it. */
  public void poll(Duration timeout) {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
      if (r.key() == null || !r.key().startsWith(keyPrefix) || r.value() == null) {
        continue;
      }
      try {
        if (r.topic().equals(models.topic())) {
          ModelVersion v = modelReader.deserialize(r.topic(), r.value());
          versions.put(v.getVersion(), new Stamped<>(v, r.timestamp()));
        } else {
          EvalResult e = evalReader.deserialize(r.topic(), r.value());
          evaluations.put(e.getVersion(), e);
        }
      } catch (RuntimeException e) {
        LOG.warn("skipping unreadable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
      }
    }
  }

  /** Reads both topics up to their current end (the last stable offset), at most for {@code timeout}. */
  public void catchUp(Duration timeout) {
    if (!TopicReader.catchUp(consumer, consumer.endOffsets(List.of(models, evals), timeout), timeout,
        () -> poll(TopicReader.POLL))) {
      throw new IllegalStateException("cannot read " + models.topic() + " and " + evals.topic() + " to their end within "
          + timeout.toSeconds() + " s");
    }
  }

  /** Every version seen so far, by version number. */
  public SortedMap<Integer, Stamped<ModelVersion>> models() {
    return Collections.unmodifiableSortedMap(versions);
  }

  /** Every evaluation seen so far, by version number. */
  public SortedMap<Integer, EvalResult> evals() {
    return Collections.unmodifiableSortedMap(evaluations);
  }

  public Optional<Stamped<ModelVersion>> latestModel() {
    return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.lastKey()));
  }

  public Optional<EvalResult> latestEval() {
    return evaluations.isEmpty() ? Optional.empty() : Optional.of(evaluations.get(evaluations.lastKey()));
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
