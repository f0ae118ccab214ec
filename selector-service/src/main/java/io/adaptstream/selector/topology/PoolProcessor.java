package io.adaptstream.selector.topology;

import io.adaptstream.avro.Coordination;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.PartitionSealed;
import io.adaptstream.avro.PoolControl;
import io.adaptstream.avro.PoolDeletion;
import io.adaptstream.avro.PoolEntry;
import io.adaptstream.avro.ReleaseProgress;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.ScoreRequest;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.avro.Split;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.avro.StepPhase;
import io.adaptstream.avro.StepProgress;
import io.adaptstream.avro.StepStart;
import io.adaptstream.selector.algo.SelectionPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool of data partition p: every train sample of the ingest log that hashes to p, until it is deleted for
 * good. Inputs: {@code ingest} p (samples and seal markers) and the selector's {@code pool-control} p (step starts
 * and deletions).
 *
 * <ul>
 *   <li>A train sample is stored with its release; test samples are only counted. An id already held (the same
 *       content in an earlier release) or deleted keeps its first entry: the ingest log's order decides, so every
 *       run agrees.</li>
 *   <li>A {@link SealMarker} is checked against the count of the release's samples read here and reported to the
 *       coordinator as {@link PartitionSealed}. The pretraining release (sequence 0) leaves the pool at once.</li>
 *   <li>On {@link StepStart} t: a {@link ScoreRequest} for every pool sample of a sealed task release with
 *       sequence at most t (only t under a policy that keeps no pool), in id order, then a marker to every
 *       partition of {@code score-requests}, then a progress report.</li>
 *   <li>A {@link PoolDeletion} turns the entry into a tombstone: the sample never comes back.</li>
 * </ul>
 */
final class PoolProcessor extends StepProcessor {

  private static final Logger LOG = LoggerFactory.getLogger(PoolProcessor.class);
  /** Key of the pool-step store's single entry: the last step started on this partition. */
  static final String CURRENT = "current";

  private final Deserializer<IngestEvent> ingestEvents;
  private final Deserializer<PoolControl> controls;
  private KeyValueStore<String, PoolEntry> pool;
  private KeyValueStore<String, ReleaseProgress> releases;
  private KeyValueStore<String, StepStart> steps;
  private PoolMemory memory;

  PoolProcessor(SelectorContext sc) {
    super(sc, SelectorTopology.POOL_DLQ_SINK);
    this.ingestEvents = sc.serdes.deserializer(IngestEvent.class);
    this.controls = sc.serdes.deserializer(PoolControl.class);
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    pool = context.getStateStore(SelectorTopology.POOL_STORE);
    releases = context.getStateStore(SelectorTopology.POOL_RELEASES_STORE);
    steps = context.getStateStore(SelectorTopology.POOL_STEP_STORE);
    memory = context.getStateStore(SelectorTopology.POOL_MEMORY_STORE);
    memory.bind(pool, steps);
    memory.load();
  }

  @Override
  public void process(Record<String, byte[]> record) {
    try {
      if (inputTopic().equals(sc.catalogue.ingest.name())) {
        Object payload = decode(ingestEvents, record).getPayload();
        if (payload instanceof Sample s) {
          onSample(record, s);
        } else if (payload instanceof SealMarker m) {
          onSeal(record, m);
        }
      } else {
        Object payload = decode(controls, record).getPayload();
        if (payload instanceof StepStart start) {
          onStepStart(record, start);
        } else if (payload instanceof PoolDeletion deletion) {
          checkDeletionStep(deletion);
          onDeletion(deletion);
        }
      }
    } catch (Rejected r) {
      deadLetter(record, r);
    }
  }

  private void onSample(Record<String, byte[]> record, Sample s) throws Rejected {
    if (!s.getId().equals(record.key())) {
      throw new Rejected(MISROUTED, "key '" + record.key() + "' is not the sample id " + s.getId());
    }
    if (StepKeys.partitionForKey(s.getId(), sc.partitions) != partition()) {
      throw new Rejected(MISROUTED, "sample " + s.getId() + " belongs on partition "
          + StepKeys.partitionForKey(s.getId(), sc.partitions) + ", not " + partition());
    }
    ReleaseProgress progress = releases.get(s.getRelease());
    if (progress == null) {
      progress = ReleaseProgress.newBuilder().setRelease(s.getRelease()).setHeld(0).setTrain(0).build();
    }
    if (progress.getSequence() >= 0) {
      throw new Rejected(LATE, "sample " + s.getId() + " of release " + s.getRelease() + " after its seal");
    }
    progress.setHeld(progress.getHeld() + 1);
    if (s.getSplit() == Split.TRAIN) {
      progress.setTrain(progress.getTrain() + 1);
      PoolEntry existing = pool.get(s.getId());
      if (existing == null) {
        memory.put(s.getId(), PoolEntry.newBuilder().setRelease(s.getRelease()).setSample(s).build());
      } else {
        LOG.debug("sample {} of release {} is already held from release {}", s.getId(), s.getRelease(),
            existing.getRelease());
      }
    }
    releases.put(s.getRelease(), progress);
  }

  private void onSeal(Record<String, byte[]> record, SealMarker m) throws Rejected {
    if (m.getPartition() != partition()) {
      throw new Rejected(MISROUTED, "seal marker of partition " + m.getPartition() + " on partition " + partition());
    }
    ReleaseProgress progress = releases.get(m.getRelease());
    if (progress == null) {
      progress = ReleaseProgress.newBuilder().setRelease(m.getRelease()).setHeld(0).setTrain(0).build();
    }
    if (progress.getSequence() >= 0) {
      LOG.info("release {} sealed again on partition {}: ignored", m.getRelease(), partition());
      return;
    }
    progress.setSequence(m.getSequence());
    progress.setExpected(m.getCount());
    releases.put(m.getRelease(), progress);
    if (progress.getHeld() != m.getCount()) {
      LOG.warn("release {} on partition {}: the seal marker counts {} samples, {} were read", m.getRelease(),
          partition(), m.getCount(), progress.getHeld());
    }
    if (m.getSequence() == 0) {
      removeRelease(m.getRelease()); // pretraining data never enters the pool
    }
    PartitionSealed sealed = PartitionSealed.newBuilder().setRelease(m.getRelease()).setSequence(m.getSequence())
        .setPartition(partition()).setPartitions(m.getPartitions()).setExpected(m.getCount())
        .setHeld(progress.getHeld()).setTrain(progress.getTrain()).setAtMs(now()).build();
    send(SelectorTopology.POOL_COORDINATION_SINK, m.getRelease(), new Coordination(sealed), record.timestamp());
    commitSoon();
  }

  private void removeRelease(String release) {
    List<String> ids = new ArrayList<>();
    try (KeyValueIterator<String, PoolEntry> it = pool.all()) {
      while (it.hasNext()) {
        KeyValue<String, PoolEntry> kv = it.next();
        if (kv.value.getSample() != null && kv.value.getRelease().equals(release)) {
          ids.add(kv.key);
        }
      }
    }
    ids.forEach(memory::delete);
  }

  private void onStepStart(Record<String, byte[]> record, StepStart start) throws Rejected {
    StepStart current = memory.current();
    if (current != null && current.getStep() >= start.getStep()) {
      LOG.info("step {} already started on partition {}: ignored", start.getStep(), partition());
      return;
    }
    if (!sealedHere(start.getStep())) {
      // the coordinator starts step t only once release t is sealed on every partition, and this task reported
      // its own seal before: a start without one is of a step that does not exist
      throw new Rejected(UNKNOWN_STEP, "start of step " + start.getStep() + ", but no release of sequence "
          + start.getStep() + " is sealed on partition " + partition());
    }
    memory.start(start);
    int t = start.getStep();
    Map<String, Integer> sequences = new HashMap<>();
    try (KeyValueIterator<String, ReleaseProgress> it = releases.all()) {
      it.forEachRemaining(kv -> sequences.put(kv.key, kv.value.getSequence()));
    }
    boolean newReleaseOnly = sc.policy.pool() == SelectionPolicy.Pool.NEW_RELEASE_ONLY;
    long requests = 0;
    long fresh = 0;
    try (KeyValueIterator<String, PoolEntry> it = pool.all()) {
      while (it.hasNext()) {
        KeyValue<String, PoolEntry> kv = it.next();
        PoolEntry e = kv.value;
        int sequence = sequences.getOrDefault(e.getRelease(), -1);
        if (e.getSample() == null || sequence < 1 || sequence > t || (newReleaseOnly && sequence != t)) {
          continue;
        }
        boolean isFresh = sequence == t;
        ScoreRequest request = ScoreRequest.newBuilder().setStep(t).setModel(start.getModel())
            .setModelVersion(start.getModelVersion()).setFresh(isFresh).setSample(e.getSample()).build();
        send(SelectorTopology.POOL_REQUESTS_SINK, kv.key, new ScoreRequestEvent(request), record.timestamp());
        requests++;
        if (isFresh) {
          fresh++;
        }
      }
    }
    int partitions = sc.catalogue.scoreRequests.partitions();
    for (int q = 0; q < partitions; q++) {
      StepMarker marker = StepMarker.newBuilder().setStep(t).setSourcePartition(partition())
          .setCount(q == partition() ? requests : 0).setSourcePartitions(sc.partitions).setTargetPartition(q)
          .build();
      send(SelectorTopology.POOL_REQUESTS_SINK, StepKeys.marker(t, partition()), new ScoreRequestEvent(marker),
          record.timestamp());
    }
    StepProgress progress = StepProgress.newBuilder().setStep(t).setPhase(StepPhase.POOL_REQUESTED)
        .setSource(partition()).setSources(sc.partitions).setAtMs(now()).setRecords(requests).setFresh(fresh)
        .build();
    send(SelectorTopology.POOL_COORDINATION_SINK, StepKeys.step(t), new Coordination(progress), record.timestamp());
    commitSoon();
    sc.metrics.stepStarted(partition(), t, requests);
    LOG.info("step {} partition {}: {} score requests ({} fresh)", t, partition(), requests, fresh);
  }

  /** Whether a release of sequence {@code sequence} is sealed on this partition. */
  private boolean sealedHere(int sequence) {
    try (KeyValueIterator<String, ReleaseProgress> it = releases.all()) {
      while (it.hasNext()) {
        if (it.next().value.getSequence() == sequence) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Step t's deletions come from its selection, which follows its start here: a deletion of a step not started on
   * this partition is of a step that does not exist (and must not delete a sample a later step would need).
   */
  private void checkDeletionStep(PoolDeletion deletion) throws Rejected {
    StepStart current = memory.current();
    int started = current == null ? 0 : current.getStep();
    if (deletion.getStep() > started) {
      throw new Rejected(UNKNOWN_STEP, "deletion of sample " + deletion.getSampleId() + " at step "
          + deletion.getStep() + ", but step " + started + " is the last started on partition " + partition());
    }
  }

  private void onDeletion(PoolDeletion deletion) throws Rejected {
    PoolEntry e = pool.get(deletion.getSampleId());
    if (e == null) {
      throw new Rejected(UNKNOWN_SAMPLE, "deletion of sample " + deletion.getSampleId() + " not in the pool");
    }
    if (e.getSample() == null) {
      return; // already deleted: deletions are idempotent
    }
    memory.put(deletion.getSampleId(),
        PoolEntry.newBuilder().setRelease(e.getRelease()).setSample(null).setDeletedAtStep(deletion.getStep()).build());
  }
}
