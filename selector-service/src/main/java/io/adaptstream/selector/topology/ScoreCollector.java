package io.adaptstream.selector.topology;

import io.adaptstream.avro.Coordination;
import io.adaptstream.avro.ReservoirEntry;
import io.adaptstream.avro.ReservoirEvent;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.StepBarrier;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.avro.StepPhase;
import io.adaptstream.avro.StepProgress;
import io.adaptstream.avro.StepStart;
import io.adaptstream.selector.SelectorMetrics;
import io.adaptstream.selector.algo.Reservoir;
import io.adaptstream.selector.algo.Seeds;
import io.adaptstream.selector.algo.SelectionPolicy;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects a step's scores on data partition p (input: {@code scores} p). It shares the pool store with the
 * {@link PoolProcessor} of the same task, which is how it knows each sample and the step in progress, and its
 * step's scores with the {@link ScoreAssigner}.
 *
 * <ul>
 *   <li>Every record goes to the {@code scores} store as it is (that store is the topic, restored from it; see
 *       {@link StepScores}); an accepted score is named in the step's index. Records that cannot be read, belong
 *       to another step, name a sample the pool does not hold, repeat a sample, are not keyed by their sample id
 *       or lack the vectors the policy needs are dead-lettered and still counted, so the step completes.</li>
 *   <li>When every scoring source's marker is in and the counts add up, the partition's slice of the reservoir
 *       (its bottom-m of sketches by seeded hash of the id, the same set whatever the arrival order, with m the
 *       share of the global bottom-k one partition can hold: {@link Reservoir#sliceCapacity}; kept as scores are
 *       accepted, so nothing is read back) goes to the cluster fitter, then a marker with its size.</li>
 * </ul>
 */
final class ScoreCollector extends StepProcessor {

  private static final Logger LOG = LoggerFactory.getLogger(ScoreCollector.class);

  private final Deserializer<ScoresEvent> scoresEvents;
  private final ScoresPeek peek;
  private StepScores scores;
  private StepBarriers barriers;
  private PoolMemory memory;

  ScoreCollector(SelectorContext sc) {
    super(sc, SelectorTopology.POOL_DLQ_SINK);
    this.scoresEvents = sc.serdes.deserializer(ScoresEvent.class);
    this.peek = new ScoresPeek(sc.serdes.registry());
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    scores = new StepScores(context.getStateStore(SelectorTopology.SCORES_STORE),
        context.getStateStore(SelectorTopology.STEP_SCORES_STORE), peek, scoresEvents, sc.catalogue.scores.name(),
        sc.clusters() ? sc.sliceCapacity : 0, Seeds.forReservoir(sc.seed));
    memory = context.getStateStore(SelectorTopology.POOL_MEMORY_STORE);
    memory.bind(context.getStateStore(SelectorTopology.POOL_STORE),
        context.getStateStore(SelectorTopology.POOL_STEP_STORE));
    barriers = memory.collectorBarriers(context.getStateStore(SelectorTopology.COLLECTOR_BARRIERS_STORE));
    scores.reset(); // whatever was in memory may be older or newer than the restored stores
  }

  @Override
  public void process(Record<String, byte[]> record) {
    int current = currentStep();
    StepBarrier barrier = barriers.get(current);
    boolean open = !barrier.getForwarded();
    scores.begin(current, barrier.getFirstDataAtMs() >= 0); // set by the first score accepted
    if (record.key() != null) { // restoring skips null keys too
      scores.mirror(record.key(), record.value(), open);
    }
    ScoresPeek.Header header = null;
    try {
      header = peek.peek(record.value()); // the vectors stay in the scores store until needed
      if (header != null) {
        onScores(record, header, current);
      } else {
        Object payload = decode(scoresEvents, record).getPayload();
        if (payload instanceof StepMarker m) {
          onMarker(record, m); // a marker can only complete the step in progress: see complete below
        } else if (payload instanceof SampleScores s) {
          header = new ScoresPeek.Header(s.getSampleId(), s.getStep(), s.getSketch().size(),
              s.getEmbedding().size());
          onScores(record, header, current);
        }
      }
    } catch (Rejected r) {
      scores.reject(record.key(), header, open);
      if (!r.reason.equals(LATE)) {
        barriers.countData(current, true, now());
      }
      deadLetter(record, r);
    }
    complete(record, current);
  }

  /** The step the pool task of this partition started last (0 before the first). */
  private int currentStep() {
    StepStart start = memory.current();
    return start == null ? 0 : start.getStep();
  }

  private void onMarker(Record<String, byte[]> record, StepMarker m) throws Rejected {
    if (m.getTargetPartition() >= 0 && m.getTargetPartition() != partition()) {
      deadLetter(record, MISROUTED, "marker for partition " + m.getTargetPartition() + " on " + partition());
      return;
    }
    int current = currentStep();
    if (m.getStep() > current + 1) {
      // another pool task may start step t+1 (and its marker pass scoring) before this one: t+1 may come early,
      // anything later cannot exist yet
      throw new Rejected(UNKNOWN_STEP, "scoring marker of step " + m.getStep() + " while step " + current
          + " is the last started on partition " + partition());
    }
    StepBarriers.MarkerOutcome outcome = barriers.addMarker(m);
    if (outcome != StepBarriers.MarkerOutcome.ACCEPTED) {
      LOG.info("{} marker of step {} from source {} on partition {}: ignored", outcome, m.getStep(),
          m.getSourcePartition(), partition());
    }
  }

  private void onScores(Record<String, byte[]> record, ScoresPeek.Header s, int current) throws Rejected {
    if (s.step() > current) {
      // a sample's request comes from this task's own pool, after it started the step: a later step is unknown
      throw new Rejected(UNKNOWN_STEP, "scores of sample " + s.sampleId() + " for step " + s.step()
          + ", which has not started on partition " + partition() + " (step " + current + " has)");
    }
    if (s.step() != current) {
      throw new Rejected(WRONG_STEP, "scores of sample " + s.sampleId() + " for step " + s.step()
          + " while step " + current + " is in progress");
    }
    StepBarrier b = barriers.get(current);
    if (b.getComplete()) {
      throw new Rejected(LATE, "scores of sample " + s.sampleId() + " after step " + current + " completed");
    }
    if (!memory.holds(s.sampleId())) {
      throw new Rejected(UNKNOWN_SAMPLE, "sample " + s.sampleId() + " is not in the pool of partition "
          + partition());
    }
    if (scores.isAccepted(s.sampleId())) {
      throw new Rejected(DUPLICATE, "second scores of sample " + s.sampleId() + " at step " + current);
    }
    if (!s.sampleId().equals(record.key())) {
      throw new Rejected(MISROUTED, "scores of sample " + s.sampleId() + " keyed '" + record.key() + "'");
    }
    if (sc.clusters() && s.sketchLength() == 0) {
      throw new Rejected(BAD_SCORES, "sample " + s.sampleId() + " has no gradient sketch");
    }
    if (sc.policy.pool() == SelectionPolicy.Pool.PRUNE_TO_CAP && s.embeddingLength() == 0) {
      throw new Rejected(BAD_SCORES, "sample " + s.sampleId() + " has no embedding");
    }
    scores.accept(s.sampleId(), record.value());
    if (b.getFirstDataAtMs() < 0) {
      b.setFirstDataAtMs(now());
      barriers.put(b);
    }
  }

  /**
   * When the step's barrier is ready: the reservoir slice and its marker to the fitter, a report to the
   * coordinator. Only the step in progress can be ready: the last scoring marker of a step answers requests this
   * task's pool processor sent after it started the step.
   */
  private void complete(Record<String, byte[]> record, int step) {
    StepBarrier b = barriers.get(step);
    long stored = scores.size();
    if (!StepBarriers.ready(b, stored)) {
      return;
    }
    // the bottom-k was kept as scores were accepted, with their bytes: nothing is read back here
    long sent = 0;
    for (Map.Entry<String, byte[]> kept : scores.reservoir().entrySet()) {
      String id = kept.getKey();
      ByteBuffer sketch = scores.packedSketch(id, kept.getValue());
      if (sketch == null) {
        LOG.error("step {} partition {}: the scores of sample {} hold no readable sketch", step,
            partition(), id);
        continue;
      }
      ReservoirEntry entry = ReservoirEntry.newBuilder().setStep(step).setSampleId(id).setSketch(sketch).build();
      send(SelectorTopology.POOL_RESERVOIR_SINK, id, new ReservoirEvent(entry), record.timestamp());
      sent++;
    }
    StepMarker marker = StepMarker.newBuilder().setStep(step).setSourcePartition(partition())
        .setCount(sent).setSourcePartitions(sc.partitions).setTargetPartition(0).build();
    send(SelectorTopology.POOL_RESERVOIR_SINK, StepKeys.marker(step, partition()), new ReservoirEvent(marker),
        record.timestamp());
    b.setReceived(b.getReceived() + stored);
    b.setComplete(true);
    b.setCompletedAtMs(now());
    barriers.put(b);
    StepProgress progress = StepProgress.newBuilder().setStep(step).setPhase(StepPhase.SCORES_COMPLETE)
        .setSource(partition()).setSources(sc.partitions).setAtMs(now()).setRecords(stored)
        .setDeadLetters(b.getDeadLetters()).setFirstAtMs(b.getFirstDataAtMs()).build();
    send(SelectorTopology.POOL_COORDINATION_SINK, StepKeys.step(step), new Coordination(progress),
        record.timestamp());
    commitSoon();
    StepStart start = memory.current();
    if (start != null && start.getStep() == step) {
      sc.metrics.phaseTook(SelectorMetrics.PHASE_SCORING, Math.max(0, now() - start.getAtMs()) * 1_000_000L);
    }
    LOG.info("step {} partition {}: scores complete ({} stored, {} dead letters, reservoir slice {})", step,
        partition(), stored, b.getDeadLetters(), sent);
  }
}
