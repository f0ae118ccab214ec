package io.adaptstream.selector.topology;

import io.adaptstream.avro.Centroids;
import io.adaptstream.avro.ClusterFit;
import io.adaptstream.avro.Coordination;
import io.adaptstream.avro.ReservoirEntry;
import io.adaptstream.avro.ReservoirEvent;
import io.adaptstream.avro.StepBarrier;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.avro.StepPhase;
import io.adaptstream.avro.StepProgress;
import io.adaptstream.selector.SelectorMetrics;
import io.adaptstream.selector.algo.KMeans;
import io.adaptstream.selector.algo.Reservoir;
import io.adaptstream.selector.algo.Seeds;
import java.util.ArrayList;
import java.util.List;
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
 * Fits a step's pseudo-task clusters, in the selector's single reservoir partition.
 *
 * <p>It merges the score collectors' reservoir slices (the global bottom-k is the bottom-k of the slices, so this
 * is the same sample a single-JVM run draws; each slice holds a partition's share of it with a wide margin, and a
 * merge that the margin did not cover is logged), sorts it by id, fits k-means warm-started from the previous
 * step's centroids (kept in its store; a step without centroids, or a policy without clustering, starts cold), and
 * multicasts {@link Centroids} to every score collector. The fit's summary stays in the store for interactive
 * queries.
 */
final class ClusterFitter extends StepProcessor {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterFitter.class);

  private final Deserializer<ReservoirEvent> events;
  /** The reservoir records of the open steps ({@code <step>/<sample id>} -> the record's bytes, kept as they came). */
  private KeyValueStore<String, byte[]> slices;
  private KeyValueStore<String, Centroids> fits;
  private StepBarriers barriers;

  ClusterFitter(SelectorContext sc) {
    super(sc, SelectorTopology.FITTER_DLQ_SINK);
    this.events = sc.serdes.deserializer(ReservoirEvent.class);
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    slices = context.getStateStore(SelectorTopology.FITTER_SLICES_STORE);
    fits = context.getStateStore(SelectorTopology.CENTROIDS_STORE);
    barriers = new StepBarriers(context.getStateStore(SelectorTopology.FITTER_BARRIERS_STORE));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    int step;
    try {
      Object payload = decode(events, record).getPayload();
      if (payload instanceof StepMarker m) {
        barriers.checkKnown(m.getStep(), "reservoir marker");
        step = m.getStep();
        StepBarriers.MarkerOutcome outcome = barriers.addMarker(m);
        if (outcome != StepBarriers.MarkerOutcome.ACCEPTED) {
          LOG.info("{} reservoir marker of step {} from source {}: ignored", outcome, step, m.getSourcePartition());
        }
      } else {
        ReservoirEntry e = (ReservoirEntry) payload;
        barriers.checkKnown(e.getStep(), "reservoir entry " + e.getSampleId());
        step = e.getStep();
        if (barriers.get(step).getForwarded()) {
          throw new Rejected(LATE, "reservoir entry " + e.getSampleId() + " after step " + step + " was fitted");
        }
        int bytes = e.getSketch().remaining();
        if (bytes == 0 || bytes % Float.BYTES != 0) {
          throw new Rejected(BAD_SCORES, "reservoir entry " + e.getSampleId() + " has a sketch of " + bytes
              + " bytes, not packed float32");
        }
        slices.put(StepKeys.member(step, e.getSampleId()), record.value()); // no second encoding
        barriers.countData(step, false, now());
      }
    } catch (Rejected r) {
      step = barriers.openStep();
      if (!r.reason.equals(LATE)) {
        barriers.countData(step, true, now());
      }
      deadLetter(record, r);
    }
    StepBarrier b = barriers.get(step);
    if (StepBarriers.ready(b)) {
      fit(record, b);
    }
  }

  private void fit(Record<String, byte[]> record, StepBarrier b) {
    long t0 = System.nanoTime();
    int step = b.getStep();
    Reservoir<float[]> merged = new Reservoir<>(sc.reservoirCapacity, Seeds.forReservoir(sc.seed));
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = slices.prefixScan(StepKeys.stepPrefix(step),
        Serdes.String().serializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        keys.add(kv.key);
        ReservoirEntry e = (ReservoirEntry) events.deserialize(sc.catalogue.reservoir.name(), kv.value).getPayload();
        merged.offer(e.getSampleId(), Vectors.unpack(e.getSketch()));
      }
    }
    if (!merged.mergeWasExact(sc.sliceCapacity,
        id -> StepKeys.partitionForKey(id, sc.partitions))) {
      LOG.warn("step {}: a partition's reservoir slice was full below the merged bottom-{}, so the fit uses a "
          + "sample that differs from the global bottom-k (deterministically; partitions are unusually unbalanced)",
          step, sc.reservoirCapacity);
    }
    Centroids.Builder out = Centroids.newBuilder().setStep(step).setClustered(sc.clusters())
        .setCentroids(new ArrayList<>()).setIterations(0).setConverged(true).setInertia(0).setWarmStarted(false)
        .setOpened(0).setReservoirSize(merged.size()).setFits(new ArrayList<>()).setAtMs(now());
    if (sc.clusters() && merged.size() > 0) {
      List<float[]> points = new ArrayList<>(merged.byId().values());
      Centroids previous = fits.get(StepKeys.step(step - 1));
      float[][] warm = previous == null || previous.getCentroids().isEmpty() ? null
          : previous.getCentroids().stream().map(Vectors::toArray).toArray(float[][]::new);
      KMeans.Result fit = new KMeans(sc.kmeans).fit(points, warm, Seeds.forClustering(sc.seed, step));
      List<List<Float>> centroids = new ArrayList<>();
      for (float[] c : fit.centroids()) {
        centroids.add(Vectors.toList(c));
      }
      out.setCentroids(centroids).setIterations(fit.iterations()).setConverged(fit.converged())
          .setInertia(fit.inertia()).setWarmStarted(fit.warmStarted()).setOpened(fit.opened())
          .setFits(clusterFits(points, fit));
    }
    Centroids centroids = out.build();
    fits.put(StepKeys.step(step), centroids);
    send(SelectorTopology.FITTER_CENTROIDS_SINK, StepKeys.step(step), centroids, record.timestamp());
    keys.forEach(slices::delete);
    barriers.finish(b, now());
    StepProgress progress = StepProgress.newBuilder().setStep(step).setPhase(StepPhase.CLUSTERS_FITTED)
        .setSource(0).setSources(1).setAtMs(now()).setRecords(merged.size())
        .setClusters(sc.clusters() ? centroids.getCentroids().size() : 1).setDeadLetters(b.getDeadLetters())
        .build();
    send(SelectorTopology.FITTER_COORDINATION_SINK, StepKeys.step(step), new Coordination(progress),
        record.timestamp());
    commitSoon();
    sc.metrics.clustersFitted(sc.clusters() ? centroids.getCentroids().size() : 1);
    sc.metrics.phaseTook(SelectorMetrics.PHASE_CLUSTERING, System.nanoTime() - t0);
    LOG.info("step {}: fitted {} clusters on {} sketches ({} iterations, warm start {})", step,
        centroids.getCentroids().size(), merged.size(), centroids.getIterations(), centroids.getWarmStarted());
  }

  /** Per cluster: fitted points and the norm of their mean (how tightly they agree in direction). */
  private static List<ClusterFit> clusterFits(List<float[]> points, KMeans.Result fit) {
    int k = fit.k();
    int dim = points.get(0).length;
    double[][] sums = new double[k][dim];
    long[] sizes = new long[k];
    int[] assignments = fit.assignments();
    for (int i = 0; i < points.size(); i++) {
      int c = assignments[i];
      sizes[c]++;
      float[] p = points.get(i);
      double norm = 0;
      for (float v : p) {
        norm += (double) v * v;
      }
      norm = Math.sqrt(norm);
      for (int d = 0; d < dim; d++) {
        sums[c][d] += norm == 0 ? 0 : p[d] / norm;
      }
    }
    List<ClusterFit> out = new ArrayList<>(k);
    for (int c = 0; c < k; c++) {
      double sq = 0;
      for (double v : sums[c]) {
        sq += v * v;
      }
      out.add(new ClusterFit(c, sizes[c], sizes[c] == 0 ? 0.0 : Math.sqrt(sq) / sizes[c]));
    }
    return out;
  }
}
