package io.adaptstream.selector.topology;

import io.adaptstream.avro.Centroids;
import io.adaptstream.avro.ClusterEvent;
import io.adaptstream.avro.ClusterMember;
import io.adaptstream.avro.Coordination;
import io.adaptstream.avro.PoolEntry;
import io.adaptstream.avro.ReservoirEntry;
import io.adaptstream.avro.ReservoirEvent;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.StepBarrier;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.avro.StepPhase;
import io.adaptstream.avro.StepProgress;
import io.adaptstream.avro.StepStart;
import io.adaptstream.selector.algo.KMeans;
import io.adaptstream.selector.algo.Reservoir;
import io.adaptstream.selector.algo.SelectionPolicy;
import io.adaptstream.selector.algo.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects a step's scores on data partition p and, once the centroids arrive, assigns them to clusters.
 * Inputs: {@code scores} p and the selector's {@code centroids} p. It shares the pool store with the
 * {@link PoolProcessor} of the same task, which is how it knows each sample and the step in progress.
 *
 * <ul>
 *   <li>Scores are stored per step. Records that cannot be read, belong to another step, name a sample the pool
 *       does not hold, repeat a sample or lack the vectors the policy needs are dead-lettered and still counted,
 *       so the step completes.</li>
 *   <li>When every scoring source's marker is in and the counts add up, the partition's bottom-k reservoir of
 *       sketches (seeded hash of the id, the same set whatever the arrival order) goes to the cluster fitter,
 *       then a marker with its size.</li>
 *   <li>On the step's {@link Centroids}: every stored score, in id order, goes to its nearest centroid on the
 *       by-cluster topic with its sample, then a marker to every by-cluster partition carrying this partition's
 *       per-cluster (and fresh) counts for the whole step, from which the cluster selectors sum global sizes.</li>
 * </ul>
 */
final class ScoreCollector extends StepProcessor {

  private static final Logger LOG = LoggerFactory.getLogger(ScoreCollector.class);

  private final Deserializer<ScoresEvent> scoresEvents;
  private final Deserializer<Centroids> centroidsRecords;
  private KeyValueStore<String, PoolEntry> pool;
  private KeyValueStore<String, StepStart> steps;
  private KeyValueStore<String, SampleScores> scores;
  private StepBarriers barriers;

  ScoreCollector(SelectorContext sc) {
    super(sc, SelectorTopology.POOL_DLQ_SINK);
    this.scoresEvents = sc.serdes.deserializer(ScoresEvent.class);
    this.centroidsRecords = sc.serdes.deserializer(Centroids.class);
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    pool = context.getStateStore(SelectorTopology.POOL_STORE);
    steps = context.getStateStore(SelectorTopology.POOL_STEP_STORE);
    scores = context.getStateStore(SelectorTopology.STEP_SCORES_STORE);
    barriers = new StepBarriers(context.getStateStore(SelectorTopology.COLLECTOR_BARRIERS_STORE));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    barriers.forget();
    if (inputTopic().equals(sc.catalogue.centroids.name())) {
      try {
        assign(record, decode(centroidsRecords, record));
      } catch (Rejected r) {
        if (r.reason.equals(UNDESERIALISABLE)) {
          LOG.error("step stalls on partition {}: its centroids cannot be read", partition());
        }
        deadLetter(record, r);
      }
      return;
    }
    int current = currentStep();
    try {
      Object payload = decode(scoresEvents, record).getPayload();
      if (payload instanceof StepMarker m) {
        onMarker(record, m);
        complete(record, m.getStep());
      } else if (payload instanceof SampleScores s) {
        onScores(s, current);
      }
    } catch (Rejected r) {
      if (!r.reason.equals(LATE)) {
        barriers.countData(current, true, now());
      }
      deadLetter(record, r);
    }
    complete(record, current);
  }

  /** The step the pool task of this partition started last (0 before the first). */
  private int currentStep() {
    StepStart start = steps.get(PoolProcessor.CURRENT);
    return start == null ? 0 : start.getStep();
  }

  private void onMarker(Record<String, byte[]> record, StepMarker m) throws Rejected {
    if (m.getTargetPartition() >= 0 && m.getTargetPartition() != partition()) {
      deadLetter(record, MISROUTED, "marker for partition " + m.getTargetPartition() + " on " + partition());
      return;
    }
    StepBarriers.MarkerOutcome outcome = barriers.addMarker(m);
    if (outcome != StepBarriers.MarkerOutcome.ACCEPTED) {
      LOG.info("{} marker of step {} from source {} on partition {}: ignored", outcome, m.getStep(),
          m.getSourcePartition(), partition());
    }
  }

  private void onScores(SampleScores s, int current) throws Rejected {
    if (s.getStep() != current) {
      throw new Rejected(WRONG_STEP, "scores of sample " + s.getSampleId() + " for step " + s.getStep()
          + " while step " + current + " is in progress");
    }
    StepBarrier b = barriers.get(current);
    if (b.getComplete()) {
      throw new Rejected(LATE, "scores of sample " + s.getSampleId() + " after step " + current + " completed");
    }
    PoolEntry entry = pool.get(s.getSampleId());
    if (entry == null || entry.getSample() == null) {
      throw new Rejected(UNKNOWN_SAMPLE, "sample " + s.getSampleId() + " is not in the pool of partition "
          + partition());
    }
    String key = StepKeys.member(current, s.getSampleId());
    if (scores.get(key) != null) {
      throw new Rejected(DUPLICATE, "second scores of sample " + s.getSampleId() + " at step " + current);
    }
    if (sc.clusters() && s.getSketch().isEmpty()) {
      throw new Rejected(BAD_SCORES, "sample " + s.getSampleId() + " has no gradient sketch");
    }
    if (sc.policy.pool() == SelectionPolicy.Pool.PRUNE_TO_CAP && s.getEmbedding().isEmpty()) {
      throw new Rejected(BAD_SCORES, "sample " + s.getSampleId() + " has no embedding");
    }
    scores.put(key, s);
    barriers.countData(current, false, now());
  }

  /** When the step's barrier is ready: the reservoir slice and its marker to the fitter, a report to the coordinator. */
  private void complete(Record<String, byte[]> record, int step) {
    StepBarrier b = barriers.get(step);
    if (!StepBarriers.ready(b)) {
      return;
    }
    long stored = 0;
    Reservoir<float[]> reservoir = new Reservoir<>(sc.reservoirCapacity, Seeds.forReservoir(sc.seed));
    try (KeyValueIterator<String, SampleScores> it = scores.prefixScan(StepKeys.stepPrefix(step),
        Serdes.String().serializer())) {
      while (it.hasNext()) {
        SampleScores s = it.next().value;
        stored++;
        if (sc.clusters()) {
          reservoir.offer(s.getSampleId(), Vectors.toArray(s.getSketch()));
        }
      }
    }
    for (Map.Entry<String, float[]> e : reservoir.byId().entrySet()) {
      ReservoirEntry entry = ReservoirEntry.newBuilder().setStep(step).setSampleId(e.getKey())
          .setSketch(Vectors.toList(e.getValue())).build();
      send(SelectorTopology.POOL_RESERVOIR_SINK, e.getKey(), new ReservoirEvent(entry), record.timestamp());
    }
    StepMarker marker = StepMarker.newBuilder().setStep(step).setSourcePartition(partition())
        .setCount(reservoir.size()).setSourcePartitions(sc.partitions).setTargetPartition(0).build();
    send(SelectorTopology.POOL_RESERVOIR_SINK, StepKeys.marker(step, partition()), new ReservoirEvent(marker),
        record.timestamp());
    b.setComplete(true);
    b.setCompletedAtMs(now());
    barriers.put(b);
    StepProgress progress = StepProgress.newBuilder().setStep(step).setPhase(StepPhase.SCORES_COMPLETE)
        .setSource(partition()).setSources(sc.partitions).setAtMs(now()).setRecords(stored)
        .setDeadLetters(b.getDeadLetters()).setFirstAtMs(b.getFirstDataAtMs()).build();
    send(SelectorTopology.POOL_COORDINATION_SINK, StepKeys.step(step), new Coordination(progress),
        record.timestamp());
    LOG.info("step {} partition {}: scores complete ({} stored, {} dead letters, reservoir slice {})", step,
        partition(), stored, b.getDeadLetters(), reservoir.size());
  }

  private void assign(Record<String, byte[]> record, Centroids c) throws Rejected {
    int step = c.getStep();
    StepBarrier b = barriers.get(step);
    if (b.getForwarded()) {
      LOG.info("centroids of step {} again on partition {}: ignored", step, partition());
      return;
    }
    if (!b.getComplete()) {
      throw new Rejected(UNEXPECTED, "centroids of step " + step + " before its scores completed on partition "
          + partition());
    }
    float[][] centroids = c.getCentroids().stream().map(Vectors::toArray).toArray(float[][]::new);
    int k = c.getClustered() ? centroids.length : 1;
    long[] counts = new long[k];
    long[] fresh = new long[k];
    List<String> done = new ArrayList<>();
    try (KeyValueIterator<String, SampleScores> it = scores.prefixScan(StepKeys.stepPrefix(step),
        Serdes.String().serializer())) {
      while (it.hasNext()) {
        KeyValue<String, SampleScores> kv = it.next();
        done.add(kv.key);
        SampleScores s = kv.value;
        PoolEntry entry = pool.get(s.getSampleId());
        if (k == 0 || entry == null || entry.getSample() == null) {
          LOG.error("step {} partition {}: sample {} cannot be assigned (k={}, in pool: {})", step, partition(),
              s.getSampleId(), k, entry != null && entry.getSample() != null);
          continue;
        }
        int cluster = c.getClustered() ? KMeans.assign(centroids, Vectors.toArray(s.getSketch())) : 0;
        ClusterMember member = ClusterMember.newBuilder().setStep(step).setCluster(cluster)
            .setSampleId(s.getSampleId()).setFresh(s.getFresh()).setEmbedding(s.getEmbedding())
            .setPerplexity(s.getPerplexity()).setEl2n(s.getEl2n()).setEntropy(s.getEntropy())
            .setGrounding(s.getGrounding()).setGrand(s.getGrand()).setSample(entry.getSample()).build();
        send(SelectorTopology.POOL_BY_CLUSTER_SINK, Integer.toString(cluster), new ClusterEvent(member),
            record.timestamp());
        counts[cluster]++;
        if (s.getFresh()) {
          fresh[cluster]++;
        }
      }
    }
    int targets = sc.catalogue.byCluster.partitions();
    for (int q = 0; q < targets; q++) {
      long count = 0;
      for (int cluster = 0; cluster < k; cluster++) {
        if (StepKeys.partitionForCluster(cluster, targets) == q) {
          count += counts[cluster];
        }
      }
      StepMarker marker = StepMarker.newBuilder().setStep(step).setSourcePartition(partition()).setCount(count)
          .setSourcePartitions(sc.partitions).setTargetPartition(q).setClusterCounts(Vectors.toList(counts))
          .setFreshClusterCounts(Vectors.toList(fresh)).build();
      send(SelectorTopology.POOL_BY_CLUSTER_SINK, StepKeys.marker(step, partition()), new ClusterEvent(marker),
          record.timestamp());
    }
    done.forEach(scores::delete);
    b.setForwarded(true);
    barriers.put(b);
  }
}
