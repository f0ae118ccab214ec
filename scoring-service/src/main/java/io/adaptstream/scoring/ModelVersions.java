package io.adaptstream.scoring;

import io.adaptstream.avro.ModelVersion;
import io.adaptstream.runtime.TopicReader;
import io.adaptstream.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's model versions, read from the compacted {@code models} topic (key {@code <model>@<version>}) with a
 * plain consumer of its own: no group, every partition assigned, read from the beginning, {@code read_committed}.
 *
 * <p>Separate from the request consumer because the models topic is a table everyone reads whole, not a queue
 * shared by the group. Used from the worker's thread only.
 */
final class ModelVersions implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelVersions.class);
  private static final Duration MIN_CATCH_UP = Duration.ofSeconds(30);

  private final Consumer<String, byte[]> consumer;
  private final Topic<ModelVersion> topic;
  private final Deserializer<ModelVersion> deserializer;
  private final BooleanSupplier closed;
  private final Map<String, ModelVersion> versions = new HashMap<>();
  /** Versions waited for in vain: later requests for them do not wait again (unless they appear meanwhile). */
  private final Set<String> givenUp = new HashSet<>();
  private List<TopicPartition> partitions;

  ModelVersions(Consumer<String, byte[]> consumer, Topic<ModelVersion> topic, Deserializer<ModelVersion> deserializer,
      BooleanSupplier closed) {
    this.consumer = consumer;
    this.topic = topic;
    this.deserializer = deserializer;
    this.closed = closed;
  }

  /**
   * The version, reading the topic up to its current end first; when it is not there, waits up to {@code wait}
   * for it to appear. Throws {@link CancellationException} when the worker is closed while waiting.
   */
  Optional<ModelVersion> find(String model, int version, Duration wait) {
    String key = ModelSource.key(model, version);
    catchUp(wait.compareTo(MIN_CATCH_UP) > 0 ? wait : MIN_CATCH_UP);
    ModelVersion found = versions.get(key);
    if (found != null || givenUp.contains(key)) {
      return Optional.ofNullable(found);
    }
    if (beyondNext(model, version)) {
      LOG.warn("model version {} is past the one after the newest on {}: no step needs it, not waiting", key,
          topic.name());
      return Optional.empty();
    }
    LOG.info("waiting up to {} ms for model version {} on {}", wait.toMillis(), key, topic.name());
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      checkOpen();
      pollOnce();
      found = versions.get(key);
      if (found != null) {
        return Optional.of(found);
      }
    }
    givenUp.add(key);
    LOG.warn("model version {} did not appear on {} within {} ms", key, topic.name(), wait.toMillis());
    return Optional.empty();
  }

  /**
   * Whether no step can need this version yet: versions are published in order from 0, and version t-1 is on the
   * topic before step t starts, so a request for a version past the one after the newest read (the last of the
   * unbroken run from 0) belongs to a step that does not exist (waiting for it would only hold up the step).
   */
  boolean beyondNext(String model, int version) {
    // the newest is the end of the run from 0: a version past a gap (poison) belongs to no step either
    int newest = -1;
    while (versions.containsKey(ModelSource.key(model, newest + 1))) {
      newest++;
    }
    return version < 0 || version > newest + 1;
  }

  /** Reads until the position reaches the end offsets of now, or the time is up. */
  private void catchUp(Duration limit) {
    assignIfNeeded();
    boolean reached = TopicReader.catchUp(consumer, partitions, limit, () -> {
      checkOpen();
      pollOnce();
    });
    if (!reached) {
      LOG.warn("could not read {} to its end within {} ms; using the versions read so far", topic.name(),
          limit.toMillis());
    }
  }

  private void assignIfNeeded() {
    if (partitions != null) {
      return;
    }
    List<TopicPartition> parts = new ArrayList<>();
    consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))
        .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
    if (parts.isEmpty()) {
      throw new IllegalStateException("topic " + topic.name() + " does not exist");
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    partitions = parts;
  }

  private void pollOnce() {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(TopicReader.POLL)) {
      apply(r);
    }
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      if (r.key() != null) {
        versions.remove(r.key());
      }
      return;
    }
    ModelVersion v;
    try {
      v = deserializer.deserialize(r.topic(), r.value());
    } catch (SerializationException e) {
      // the topic is a table read whole by every worker at every start: a dead letter would repeat each time
      LOG.warn("skipping an unreadable model version at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
          e.getMessage());
      return;
    }
    String key = ModelSource.key(v.getModel(), v.getVersion());
    versions.put(key, v);
    givenUp.remove(key);
  }

  private void checkOpen() {
    if (closed.getAsBoolean()) {
      throw new CancellationException("the scoring worker is closing");
    }
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
