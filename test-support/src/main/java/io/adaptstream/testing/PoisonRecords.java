package io.adaptstream.testing;

import io.adaptstream.avro.Centroids;
import io.adaptstream.avro.ClusterEvent;
import io.adaptstream.avro.ClusterMember;
import io.adaptstream.avro.Coordination;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.PoolControl;
import io.adaptstream.avro.PoolDeletion;
import io.adaptstream.avro.ReservoirEntry;
import io.adaptstream.avro.ReservoirEvent;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoreRequest;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.Selection;
import io.adaptstream.avro.SelectionEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.avro.StepPhase;
import io.adaptstream.avro.StepProgress;
import io.adaptstream.avro.StepStart;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.TopicCatalogue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Well-formed records of a step that does not exist ({@link #UNKNOWN_STEP}), one or two per topic whose records
 * carry a step: what tests inject to check that readers dead-letter them as {@code unknown_step} instead of
 * waiting for that step or letting it change their state. Topics whose readers legitimately see records of
 * later steps or releases early (ingest, releases, evals) have none.
 */
public final class PoisonRecords {

  /** A step no test run reaches. */
  public static final int UNKNOWN_STEP = 9999;

  private PoisonRecords() {}

  /**
   * The records for {@code topic}, by record key (each key starts with {@code keyPrefix}); empty for a topic
   * without any. {@code sample} is a real sample of the run (so only the step is wrong), {@code model} the run's
   * model name.
   */
  public static Map<String, SpecificRecord> unknownStep(TopicCatalogue cat, Topic<?> topic, String keyPrefix,
      Sample sample, String model) {
    Map<String, SpecificRecord> out = new LinkedHashMap<>();
    int step = UNKNOWN_STEP;
    String id = sample.getId();
    StepMarker marker = StepMarker.newBuilder().setStep(step).setSourcePartition(0).setCount(0)
        .setSourcePartitions(1).setTargetPartition(-1).build();
    List<Float> vector = new ArrayList<>(List.of(1f, 0f, 0f, 0f));
    if (topic == cat.scoreRequests) {
      out.put(keyPrefix + "-request", new ScoreRequestEvent(ScoreRequest.newBuilder().setStep(step).setModel(model)
          .setModelVersion(step - 1).setFresh(true).setSample(sample).build()));
    } else if (topic == cat.scores) {
      out.put(keyPrefix + "-scores", new ScoresEvent(SampleScores.newBuilder().setSampleId(id).setStep(step)
          .setModel(model).setModelVersion(step - 1).setFresh(true).setSketch(vector).setEmbedding(vector)
          .setPerplexity(1).setEl2n(0).setEntropy(0).setGrounding(0).setGrand(0).build()));
      out.put(keyPrefix + "-marker", new ScoresEvent(marker));
    } else if (topic == cat.selections) {
      out.put(keyPrefix + "-selection", new SelectionEvent(Selection.newBuilder().setStep(step).setSampleId(id)
          .setCluster(0).setScorer("perplexity").setScore(1).setSample(sample).build()));
      out.put(keyPrefix + "-marker", new SelectionEvent(marker));
    } else if (topic == cat.models) {
      out.put(keyPrefix + "-model", ModelVersion.newBuilder().setModel(model).setVersion(step)
          .setUri("file:///nowhere/" + step).setSha256("0".repeat(64)).setConfig("{}").build());
    } else if (topic == cat.poolControl) {
      out.put(keyPrefix + "-start", new PoolControl(StepStart.newBuilder().setStep(step).setModel(model)
          .setModelVersion(step - 1).setAtMs(0).build()));
      out.put(keyPrefix + "-deletion", new PoolControl(PoolDeletion.newBuilder().setStep(step).setSampleId(id)
          .setCluster(0).setReason("pruned").build()));
    } else if (topic == cat.coordination) {
      out.put(keyPrefix + "-progress", new Coordination(StepProgress.newBuilder().setStep(step)
          .setPhase(StepPhase.POOL_REQUESTED).setSource(0).setSources(1).setAtMs(0).setRecords(0).build()));
    } else if (topic == cat.reservoir) {
      ByteBuffer sketch = ByteBuffer.allocate(4 * Float.BYTES);
      out.put(keyPrefix + "-entry", new ReservoirEvent(ReservoirEntry.newBuilder().setStep(step).setSampleId(id)
          .setSketch(sketch).build()));
      out.put(keyPrefix + "-marker", new ReservoirEvent(marker));
    } else if (topic == cat.centroids) {
      out.put(keyPrefix + "-centroids", Centroids.newBuilder().setStep(step).setClustered(true)
          .setCentroids(List.of(vector)).setIterations(1).setConverged(true).setInertia(0).setWarmStarted(false)
          .setOpened(0).setReservoirSize(1).setFits(new ArrayList<>()).setAtMs(0).build());
    } else if (topic == cat.byCluster) {
      out.put(keyPrefix + "-member", new ClusterEvent(ClusterMember.newBuilder().setStep(step).setCluster(0)
          .setSampleId(id).setFresh(true).setEmbedding(vector).setPerplexity(1).setEl2n(0).setEntropy(0)
          .setGrounding(0).setGrand(0).setSample(sample).build()));
      out.put(keyPrefix + "-marker", new ClusterEvent(marker));
    }
    return out;
  }
}
