package io.adaptstream.scoring;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoreRequest;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.model.Example;
import io.adaptstream.model.SampleSignals;
import io.adaptstream.schemas.DeadLetters;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one polled batch of score requests into what the worker's transaction writes: the scores, the
 * forwarded markers and the dead letters, plus the offsets (with the step counts as metadata) to commit.
 *
 * <p>The result is as if each request partition p were processed alone, in offset order: every output for p
 * goes to scores partition p in the order of its inputs, so a marker is written after the scores of every
 * request before it. The scoring itself is pooled over the whole batch, one call per model version, because a
 * sample's signals do not depend on its micro-batch companions and bigger groups fill the micro-batches.
 *
 * <p>Nothing here touches Kafka clients or mutates the worker's state: step counts are updated on copies that
 * the worker installs only once the transaction is committed.
 */
final class BatchProcessor {

  private static final Logger LOG = LoggerFactory.getLogger(BatchProcessor.class);

  private final TopicCatalogue catalogue;
  private final Deserializer<ScoreRequestEvent> deserializer;
  private final BlobStore blobs;
  private final ModelSource models;
  private final String service;

  BatchProcessor(TopicCatalogue catalogue, Deserializer<ScoreRequestEvent> deserializer, BlobStore blobs,
      ModelSource models, String service) {
    this.catalogue = catalogue;
    this.deserializer = deserializer;
    this.blobs = blobs;
    this.models = models;
    this.service = service;
  }

  /** What one batch writes and commits. */
  record Result(List<ProducerRecord<String, SpecificRecord>> output, Map<TopicPartition, StepCounts> counts,
      Map<TopicPartition, OffsetAndMetadata> offsets, int scored, int deadLettered, int markers) {}

  /**
   * Processes the batch. {@code current} gives each partition's step counts as committed (it is not modified).
   * Throws {@link java.util.concurrent.CancellationException} when the worker closes while waiting for a model,
   * {@link RetryLater} when the schema registry cannot be reached.
   */
  Result process(Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> batch,
      Function<TopicPartition, StepCounts> current) {
    List<TopicPartition> partitions = new ArrayList<>(batch.keySet());
    partitions.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));

    // 1. read every record; resolve models, fetch images and check examples (one resolution per version)
    Map<String, Resolution> resolved = new HashMap<>();
    Map<TopicPartition, List<Item>> items = new LinkedHashMap<>();
    Map<String, List<Item>> toScore = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      List<Item> list = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : batch.get(tp)) {
        Item item = read(r, resolved);
        list.add(item);
        if (item.example != null) {
          toScore.computeIfAbsent(ModelSource.key(item.request.getModel(), item.request.getModelVersion()),
              k -> new ArrayList<>()).add(item);
        }
      }
      items.put(tp, list);
    }

    // 2. score, one call per model version
    for (List<Item> group : toScore.values()) {
      score(group);
    }

    // 3. emit per partition in offset order, counting scores per step for the markers
    List<ProducerRecord<String, SpecificRecord>> output = new ArrayList<>();
    Map<TopicPartition, StepCounts> counts = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    int scored = 0;
    int dead = 0;
    int markers = 0;
    for (Map.Entry<TopicPartition, List<Item>> e : items.entrySet()) {
      int p = e.getKey().partition();
      StepCounts c = current.apply(e.getKey()).copy();
      long last = -1;
      for (Item item : e.getValue()) {
        last = item.record.offset();
        if (item.deadLetter != null) {
          output.add(new ProducerRecord<>(catalogue.dlq.name(), DeadLetters.key(item.deadLetter), item.deadLetter));
          dead++;
        } else if (item.marker != null) {
          StepMarker forwarded = forward(item.marker, p, c.close(item.marker.getStep()));
          output.add(new ProducerRecord<>(catalogue.scores.name(), p,
              markerKey(forwarded.getStep(), forwarded.getSourcePartition()), new ScoresEvent(forwarded)));
          markers++;
          LOG.info("step {}: marker of source {} forwarded to {}-{} with {} score(s)", forwarded.getStep(),
              forwarded.getSourcePartition(), catalogue.scores.name(), p, forwarded.getCount());
        } else {
          SampleScores scores = scores(item.request, item.signals);
          output.add(new ProducerRecord<>(catalogue.scores.name(), p, scores.getSampleId(), new ScoresEvent(scores)));
          c.add(item.request.getStep());
          scored++;
        }
      }
      counts.put(e.getKey(), c);
      offsets.put(e.getKey(), new OffsetAndMetadata(last + 1, c.encode()));
    }
    return new Result(output, counts, offsets, scored, dead, markers);
  }

  /** A marker as this service forwards it: same step and source, this partition's count. */
  static StepMarker forward(StepMarker in, int partition, long count) {
    return StepMarker.newBuilder(in).setCount(count).setTargetPartition(partition).build();
  }

  /** {@code marker/<step>/<source>}, as the architecture spells marker keys. */
  static String markerKey(int step, int source) {
    return "marker/" + step + "/" + source;
  }

  static SampleScores scores(ScoreRequest request, SampleSignals s) {
    return SampleScores.newBuilder()
        .setSampleId(request.getSample().getId())
        .setStep(request.getStep())
        .setModel(request.getModel())
        .setModelVersion(request.getModelVersion())
        .setFresh(request.getFresh())
        .setSketch(floats(s.sketch()))
        .setEmbedding(floats(s.embedding()))
        .setPerplexity(s.perplexity())
        .setEl2n(s.el2n())
        .setEntropy(s.entropy())
        .setGrounding(s.grounding())
        .setGrand(s.grand())
        .build();
  }

  private Item read(ConsumerRecord<byte[], byte[]> r, Map<String, Resolution> resolved) {
    Item item = new Item(r);
    ScoreRequestEvent event;
    try {
      if (r.value() == null) {
        return item.dead(dl(r, DeadLetterReason.UNDESERIALISABLE, "the record has no value"));
      }
      event = deserializer.deserialize(r.topic(), r.value());
    } catch (RuntimeException e) {
      if (SchemaRegistryException.isUnavailable(e)) {
        throw new RetryLater("the schema registry is unavailable: " + e.getMessage(), e);
      }
      return item.dead(dl(r, DeadLetterReason.of(e), e.getMessage()));
    }
    if (event.getPayload() instanceof StepMarker m) {
      item.marker = m;
      return item;
    }
    if (!(event.getPayload() instanceof ScoreRequest request)) {
      return item.dead(dl(r, DeadLetterReason.UNDESERIALISABLE, "unexpected payload "
          + (event.getPayload() == null ? "null" : event.getPayload().getClass().getSimpleName())));
    }
    item.request = request;
    String key = ModelSource.key(request.getModel(), request.getModelVersion());
    Resolution res = resolved.computeIfAbsent(key, k -> resolve(request));
    if (res.failure != null) {
      return item.dead(dl(r, res.failure.reason(), res.failure.getMessage()));
    }
    try {
      Example example = SampleExamples.of(request.getSample(), blobs, res.model.maxImages());
      res.model.validate(example);
      item.example = example;
    } catch (UnscorableException | RuntimeException e) {
      UnscorableException u = UnscorableException.of(e);
      return item.dead(dl(r, u.reason(), u.getMessage()));
    }
    return item;
  }

  private Resolution resolve(ScoreRequest request) {
    try {
      return new Resolution(models.model(request.getModel(), request.getModelVersion()), null);
    } catch (UnscorableException e) {
      return new Resolution(null, e);
    }
  }

  /**
   * Scores a group of one model version. A failure of the whole group is retried sample by sample, so one
   * sample the model chokes on is dead-lettered instead of blocking its partition.
   */
  private void score(List<Item> group) {
    ScoreRequest first = group.get(0).request;
    ScoringModel model;
    try {
      // looked up again: another version may have evicted the one that validated these examples
      model = models.model(first.getModel(), first.getModelVersion());
    } catch (UnscorableException e) {
      group.forEach(item -> item.dead(dl(item.record, e.reason(), e.getMessage())));
      return;
    }
    List<Example> examples = new ArrayList<>(group.size());
    group.forEach(item -> examples.add(item.example));
    try {
      List<SampleSignals> signals = model.score(examples);
      for (int i = 0; i < group.size(); i++) {
        group.get(i).signals = signals.get(i);
      }
      return;
    } catch (RuntimeException e) {
      if (group.size() == 1) {
        group.get(0).dead(dl(group.get(0).record, DeadLetterReason.SCORING_FAILED, e.toString()));
        return;
      }
      LOG.warn("scoring {} samples with {} failed ({}); retrying one by one", group.size(),
          ModelSource.key(first.getModel(), first.getModelVersion()), e.toString());
    }
    for (Item item : group) {
      try {
        item.signals = model.score(List.of(item.example)).get(0);
      } catch (RuntimeException e) {
        item.dead(dl(item.record, DeadLetterReason.SCORING_FAILED, e.toString()));
      }
    }
  }

  private DeadLetter dl(ConsumerRecord<byte[], byte[]> r, DeadLetterReason reason, String detail) {
    LOG.warn("dead-lettering {}-{}@{}: {}: {}", r.topic(), r.partition(), r.offset(), reason, detail);
    return DeadLetters.of(r, service, reason.code(), detail);
  }

  private static List<Float> floats(float[] values) {
    List<Float> out = new ArrayList<>(values.length);
    for (float v : values) {
      out.add(v);
    }
    return out;
  }

  /** A batch that cannot be processed now for a reason outside its records; it is read again after a pause. */
  static final class RetryLater extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RetryLater(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private record Resolution(ScoringModel model, UnscorableException failure) {}

  /** One input record and what became of it. */
  private static final class Item {
    final ConsumerRecord<byte[], byte[]> record;
    StepMarker marker;
    ScoreRequest request;
    Example example;
    SampleSignals signals;
    DeadLetter deadLetter;

    Item(ConsumerRecord<byte[], byte[]> record) {
      this.record = record;
    }

    Item dead(DeadLetter dl) {
      deadLetter = dl;
      example = null;
      signals = null;
      return this;
    }
  }
}
