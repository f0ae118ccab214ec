package io.adaptstream.selector.topology;

import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import io.adaptstream.selector.algo.Reservoir;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scores accepted for a step on one data partition, kept without writing any score to Kafka a second time.
 *
 * <p>The {@code scores} store holds the scores topic as it is (record key to record bytes, every record), written
 * by the collector and restored from the topic itself up to the committed offset, less what the assigner's pass
 * over a step dropped because no later step can use it. What was accepted follows from
 * it: the scores of step t accepted here are the entries whose bytes are scores of step t for the sample the key
 * names. The changelogged {@code step-scores} store holds the exceptions to that rule, which only bad input
 * creates ({@code <step>/<sample id>} keys):
 * <ul>
 *   <li>an empty value: the entry looks accepted but was dead-lettered (a duplicate under another key does not
 *       count; an unknown sample, a late record, scores of a step not started yet do);</li>
 *   <li>the bytes of accepted scores that a later record under the same key replaced in the scores store (a
 *       duplicate, a late or wrong-step record): the accepted copy.</li>
 * </ul>
 * So a normal record costs one write to a local store and nothing on Kafka, and after a crash the two stores, each
 * restored to the committed offset, still say exactly what was accepted.
 *
 * <p>The collector also keeps the accepted ids of the step in progress in memory (its duplicate check), and the
 * bottom-k reservoir of them with each kept sample's record bytes, so that handing the reservoir on when the step
 * completes reads nothing back. That memory is derived state: it is rebuilt from the stores whenever the processor
 * is initialised (Kafka Streams re-initialises processors after every restore, including the one that follows an
 * aborted transaction), and otherwise follows the stores record by record.
 */
final class StepScores {

  private static final Logger LOG = LoggerFactory.getLogger(StepScores.class);
  private static final byte[] REJECTED = new byte[0];

  private final KeyValueStore<String, byte[]> scores;
  private final KeyValueStore<String, byte[]> exceptions;
  private final ScoresPeek peek;
  private final Deserializer<ScoresEvent> events;
  private final String topic;
  private final int reservoirCapacity;
  private final long reservoirSeed;

  /** The step the memory below describes; -1 before it is built. */
  private int step = -1;
  private final Set<String> accepted = new HashSet<>();
  /** Accepted ids whose bytes are in the exceptions store. */
  private final Map<String, byte[]> kept = new HashMap<>();
  /** Ids the exceptions store marks rejected at {@link #step}. */
  private final Set<String> rejected = new HashSet<>();
  /** The bottom-k of {@link #accepted} with each one's accepted record bytes; null when no reservoir is kept. */
  private Reservoir<byte[]> reservoir;

  /** Scores for a reader that needs no reservoir (the assigner). */
  StepScores(KeyValueStore<String, byte[]> scores, KeyValueStore<String, byte[]> exceptions, ScoresPeek peek,
      Deserializer<ScoresEvent> events, String topic) {
    this(scores, exceptions, peek, events, topic, 0, 0);
  }

  /** Scores that also keep the step's bottom-k reservoir ({@code reservoirCapacity} 0: none). */
  StepScores(KeyValueStore<String, byte[]> scores, KeyValueStore<String, byte[]> exceptions, ScoresPeek peek,
      Deserializer<ScoresEvent> events, String topic, int reservoirCapacity, long reservoirSeed) {
    this.scores = scores;
    this.exceptions = exceptions;
    this.peek = peek;
    this.events = events;
    this.topic = topic;
    this.reservoirCapacity = reservoirCapacity;
    this.reservoirSeed = reservoirSeed;
  }

  /**
   * Makes the memory describe {@code step}: from the previous step's (nothing can be accepted for a step before it
   * starts) or, the first time, by reading the stores. {@code anyAccepted} false says that nothing was accepted for
   * the step yet (its barrier has seen no data), which spares the first time the scan of the whole scores store.
   */
  void begin(int step, boolean anyAccepted) {
    if (step == this.step) {
      return;
    }
    boolean rebuild = this.step < 0 && anyAccepted;
    this.step = step;
    accepted.clear();
    kept.clear();
    rejected.clear();
    reservoir = reservoirCapacity > 0 ? new Reservoir<>(reservoirCapacity, reservoirSeed) : null;
    try (KeyValueIterator<String, byte[]> it = exceptions.prefixScan(StepKeys.stepPrefix(step),
        Serdes.String().serializer())) {
      it.forEachRemaining(kv -> {
        String id = StepKeys.lastPart(kv.key);
        if (kv.value.length == 0) {
          rejected.add(id);
        } else {
          kept.put(id, kv.value);
          accepted.add(id);
          offer(id, kv.value);
        }
      });
    }
    if (rebuild) {
      scan(step).forEach((id, bytes) -> {
        accepted.add(id);
        offer(id, bytes);
      });
    }
  }

  private void offer(String id, byte[] bytes) {
    if (reservoir != null) {
      reservoir.offer(id, bytes);
    }
  }

  /** Forgets the memory; the next {@link #begin} reads the stores. */
  void reset() {
    step = -1;
    accepted.clear();
    kept.clear();
    rejected.clear();
    reservoir = null;
  }

  /**
   * Writes a record to the scores store, as restoring it from the topic would (null values deleting), after
   * keeping the accepted scores it replaces while the step is still open.
   */
  void mirror(String key, byte[] value, boolean stepOpen) {
    if (stepOpen && accepted.contains(key) && !kept.containsKey(key)) {
      byte[] replaced = scores.get(key);
      exceptions.put(StepKeys.member(step, key), replaced);
      kept.put(key, replaced);
    }
    scores.put(key, value);
  }

  boolean isAccepted(String sampleId) {
    return accepted.contains(sampleId);
  }

  /** Accepts the scores just mirrored under their sample id ({@code bytes}: that record's value). */
  void accept(String sampleId, byte[] bytes) {
    accepted.add(sampleId);
    offer(sampleId, bytes);
    if (rejected.remove(sampleId)) {
      exceptions.delete(StepKeys.member(step, sampleId));
    }
  }

  /**
   * Records that the scores just mirrored under {@code key} were dead-lettered, where the scores store alone would
   * say otherwise: they name the key's sample at this step or a later one.
   */
  void reject(String key, ScoresPeek.Header header, boolean stepOpen) {
    if (key == null || header == null || !key.equals(header.sampleId()) || header.step() < step) {
      return;
    }
    if (header.step() > step) {
      exceptions.put(StepKeys.member(header.step(), key), REJECTED);
    } else if (stepOpen && !accepted.contains(key) && rejected.add(key)) {
      exceptions.put(StepKeys.member(step, key), REJECTED);
    }
  }

  int size() {
    return accepted.size();
  }

  /**
   * The step's reservoir: the bottom-k of the accepted ids by seeded hash, in id order, each with its accepted
   * record bytes (read {@link #packedSketch} from them); empty when none is kept.
   */
  SortedMap<String, byte[]> reservoir() {
    return reservoir == null ? new TreeMap<>() : reservoir.byId();
  }

  /**
   * The gradient sketch in a sample's accepted record bytes as packed float32 (copied, not decoded), or null for
   * bytes that are not its scores at the current step (they never should be).
   */
  ByteBuffer packedSketch(String sampleId, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    byte[] packed = peek.packedSketch(bytes, sampleId, step);
    if (packed != null) {
      return ByteBuffer.wrap(packed);
    }
    SampleScores s = decode(sampleId, bytes);
    return s != null && s.getStep() == step ? Vectors.pack(Vectors.toArray(s.getSketch())) : null;
  }

  /**
   * Every accepted score of {@code step} in sample-id order, read from the stores (the assigner's pass; the
   * memory is not used). The same pass drops from the scores store what no later step can use (scores of earlier
   * steps, markers up to this step, records that are not scores of their key's sample), so the store holds about
   * one step's scores however long the selector runs.
   */
  void forEachAccepted(int step, BiConsumer<String, SampleScores> visitor) {
    Map<String, byte[]> exceptional = new HashMap<>();
    try (KeyValueIterator<String, byte[]> it = exceptions.prefixScan(StepKeys.stepPrefix(step),
        Serdes.String().serializer())) {
      it.forEachRemaining(kv -> exceptional.put(StepKeys.lastPart(kv.key), kv.value));
    }
    List<String> stale = new ArrayList<>();
    TreeMap<String, byte[]> all = scan(step, exceptional, stale);
    exceptional.forEach((id, bytes) -> {
      if (bytes.length > 0) {
        all.put(id, bytes);
      }
    });
    all.forEach((id, bytes) -> {
      SampleScores s = decode(id, bytes);
      if (s == null || s.getStep() != step) {
        LOG.error("step {}: the scores of sample {} cannot be read back from the scores store", step, id);
      } else {
        visitor.accept(id, s);
      }
    });
    stale.forEach(scores::delete); // a restore brings them back from the topic; the next pass drops them again
  }

  /** Drops the step's exceptions once its scores have gone downstream. */
  void forget(int step) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = exceptions.prefixScan(StepKeys.stepPrefix(step),
        Serdes.String().serializer())) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(exceptions::delete);
  }

  private TreeMap<String, byte[]> scan(int step) {
    Map<String, byte[]> exceptional = new HashMap<>();
    rejected.forEach(id -> exceptional.put(id, REJECTED));
    exceptional.putAll(kept);
    return scan(step, exceptional, null);
  }

  /**
   * Entries of the scores store that are scores of {@code step} for their key's sample, exceptions left out; the
   * keys of entries no step after {@code step} can use go to {@code stale} (when not null).
   */
  private TreeMap<String, byte[]> scan(int step, Map<String, byte[]> exceptional, List<String> stale) {
    TreeMap<String, byte[]> out = new TreeMap<>();
    try (KeyValueIterator<String, byte[]> it = scores.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        if (kv.value == null) {
          continue;
        }
        ScoresPeek.Header h = peek.peek(kv.value);
        int markerStep = -1;
        if (h == null) {
          ScoresEvent event = event(kv.value);
          if (event != null && event.getPayload() instanceof SampleScores s) {
            h = new ScoresPeek.Header(s.getSampleId(), s.getStep(), 0, 0);
          } else if (event != null && event.getPayload() instanceof StepMarker m) {
            markerStep = m.getStep();
          }
        }
        boolean scoresOfKey = h != null && h.sampleId().equals(kv.key);
        boolean usableLater = scoresOfKey ? h.step() >= step : markerStep > step;
        if (stale != null && !usableLater) {
          stale.add(kv.key);
        }
        if (scoresOfKey && h.step() == step && !exceptional.containsKey(kv.key)) {
          out.put(kv.key, kv.value);
        }
      }
    }
    return out;
  }

  /** Scores for the sample in the bytes, or null when they are something else (a marker, bad bytes). */
  private SampleScores decode(String sampleId, byte[] bytes) {
    ScoresEvent event = bytes == null ? null : event(bytes);
    return event != null && event.getPayload() instanceof SampleScores s && s.getSampleId().equals(sampleId) ? s
        : null;
  }

  /** The record in the bytes, or null when they cannot be read. */
  private ScoresEvent event(byte[] bytes) {
    try {
      return events.deserialize(topic, bytes);
    } catch (RuntimeException e) {
      if (SchemaRegistryException.isUnavailable(e)) {
        throw e; // not "no scores": the registry is down
      }
      return null;
    }
  }
}
