package io.adaptstream.selector.topology;

import io.adaptstream.avro.Centroids;
import io.adaptstream.avro.ClusterEvent;
import io.adaptstream.avro.ClusterMember;
import io.adaptstream.avro.PoolEntry;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.StepBarrier;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.selector.algo.KMeans;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assigns the step's collected scores on data partition p to clusters (input: the selector's {@code centroids} p;
 * same task as the {@link ScoreCollector}, whose stores it reads).
 *
 * <p>On the step's {@link Centroids}: every accepted score, in id order, goes to its nearest centroid on the
 * by-cluster topic with its sample from the pool store, keyed {@code <step>/<cluster>/<sample id>} (so the cluster
 * selectors can keep that topic as their store), then a marker to every by-cluster partition carrying this
 * partition's per-cluster (and fresh) counts for the whole step, from which the cluster selectors sum global
 * sizes. The step's score index is then dropped.
 */
final class ScoreAssigner extends StepProcessor {

  private static final Logger LOG = LoggerFactory.getLogger(ScoreAssigner.class);

  private final Deserializer<Centroids> centroidsRecords;
  private KeyValueStore<String, PoolEntry> pool;
  private StepScores scores;
  private StepBarriers barriers;
  private PoolMemory memory;

  ScoreAssigner(SelectorContext sc) {
    super(sc, SelectorTopology.POOL_DLQ_SINK);
    this.centroidsRecords = sc.serdes.deserializer(Centroids.class);
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    pool = context.getStateStore(SelectorTopology.POOL_STORE);
    scores = new StepScores(context.getStateStore(SelectorTopology.SCORES_STORE),
        context.getStateStore(SelectorTopology.STEP_SCORES_STORE), new ScoresPeek(sc.serdes.registry()),
        sc.serdes.deserializer(ScoresEvent.class), sc.catalogue.scores.name());
    memory = context.getStateStore(SelectorTopology.POOL_MEMORY_STORE);
    barriers = memory.collectorBarriers(context.getStateStore(SelectorTopology.COLLECTOR_BARRIERS_STORE));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    try {
      assign(record, decode(centroidsRecords, record));
    } catch (Rejected r) {
      if (r.reason.equals(UNDESERIALISABLE) || r.reason.equals(UNKNOWN_SCHEMA)) {
        LOG.error("a centroids record on partition {} cannot be read: if it was the step's own, the step stalls",
            partition());
      }
      deadLetter(record, r);
    }
  }

  private void assign(Record<String, byte[]> record, Centroids c) throws Rejected {
    int step = c.getStep();
    int started = memory.current() == null ? 0 : memory.current().getStep();
    if (step > started) {
      // centroids follow the scores of every partition, so the step has started everywhere, here too
      throw new Rejected(UNKNOWN_STEP, "centroids of step " + step + ", which has not started on partition "
          + partition());
    }
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
    scores.forEachAccepted(step, (id, s) -> {
      PoolEntry entry = pool.get(id);
      if (k == 0 || entry == null || entry.getSample() == null) {
        LOG.error("step {} partition {}: sample {} cannot be assigned (k={}, in pool: {})", step, partition(), id, k,
            entry != null && entry.getSample() != null);
        return;
      }
      float[] sketch = c.getClustered() ? Vectors.toArray(s.getSketch()) : null;
      int cluster = c.getClustered() ? KMeans.assign(centroids, sketch) : 0;
      double distance = c.getClustered() ? distance(centroids[cluster], sketch) : -1.0;
      ClusterMember member = ClusterMember.newBuilder().setStep(step).setCluster(cluster)
          .setSampleId(id).setFresh(s.getFresh()).setEmbedding(s.getEmbedding())
          .setPerplexity(s.getPerplexity()).setEl2n(s.getEl2n()).setEntropy(s.getEntropy())
          .setGrounding(s.getGrounding()).setGrand(s.getGrand()).setSample(entry.getSample())
          .setModelVersion(s.getModelVersion()).setCentroidDistance(distance).build();
      send(SelectorTopology.POOL_BY_CLUSTER_SINK, StepKeys.clusterMember(step, cluster, id), new ClusterEvent(member),
          record.timestamp());
      counts[cluster]++;
      if (s.getFresh()) {
        fresh[cluster]++;
      }
    });
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
    scores.forget(step);
    b.setForwarded(true);
    barriers.put(b);
    commitSoon();
  }

  /** Euclidean distance between a centroid and a sketch (what a sample's provenance reports). */
  static double distance(float[] centroid, float[] sketch) {
    double sum = 0;
    int n = Math.min(centroid.length, sketch.length);
    for (int d = 0; d < n; d++) {
      double diff = (double) centroid[d] - sketch[d];
      sum += diff * diff;
    }
    for (int d = n; d < centroid.length; d++) {
      sum += (double) centroid[d] * centroid[d];
    }
    for (int d = n; d < sketch.length; d++) {
      sum += (double) sketch[d] * sketch[d];
    }
    return Math.sqrt(sum);
  }
}
