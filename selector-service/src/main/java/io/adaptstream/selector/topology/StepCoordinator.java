package io.adaptstream.selector.topology;

import io.adaptstream.avro.Coordination;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.PartitionSealed;
import io.adaptstream.avro.PoolControl;
import io.adaptstream.avro.SealProgress;
import io.adaptstream.avro.StepProgress;
import io.adaptstream.avro.StepStart;
import io.adaptstream.avro.StepStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the steps, in the selector's single coordination partition. Inputs: the coordination topic (seal reports
 * from the pool tasks, phase reports from every task) and the run's {@code models} topic.
 *
 * <p>Step t starts once, in order, when task release t is sealed on every partition, model version t-1 of the
 * configured model exists and step t-1's selection is done everywhere: it multicasts {@link StepStart} to every
 * pool-control partition. Requiring step t-1 to be done as well as model t-1 keeps the causal order the pool
 * relies on (step t-1's deletions are committed before step t starts) even when a model version appears early,
 * e.g. in a replay whose models already exist. Every step's phases and counts are kept for interactive queries.
 */
final class StepCoordinator extends StepProcessor {

  private static final Logger LOG = LoggerFactory.getLogger(StepCoordinator.class);

  private final Deserializer<Coordination> reports;
  private final Deserializer<ModelVersion> modelVersions;
  private KeyValueStore<String, SealProgress> seals;
  private KeyValueStore<String, ModelVersion> models;
  private KeyValueStore<String, StepStatus> steps;

  StepCoordinator(SelectorContext sc) {
    super(sc, SelectorTopology.COORDINATOR_DLQ_SINK);
    this.reports = sc.serdes.deserializer(Coordination.class);
    this.modelVersions = sc.serdes.deserializer(ModelVersion.class);
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    seals = context.getStateStore(SelectorTopology.COORDINATOR_SEALS_STORE);
    models = context.getStateStore(SelectorTopology.COORDINATOR_MODELS_STORE);
    steps = context.getStateStore(SelectorTopology.STEPS_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    try {
      if (inputTopic().equals(sc.catalogue.models.name())) {
        ModelVersion mv = decode(modelVersions, record);
        if (!mv.getModel().equals(sc.modelName)) {
          return;
        }
        if (mv.getVersion() < 0 || mv.getVersion() > 0 && models.get(StepKeys.step(mv.getVersion() - 1)) == null) {
          // versions are published in order from 0, each after its step: one past a gap belongs to no step
          throw new Rejected(UNKNOWN_STEP, "model " + mv.getModel() + " version " + mv.getVersion()
              + " without version " + (mv.getVersion() - 1));
        }
        models.put(StepKeys.step(mv.getVersion()), mv);
      } else {
        Object payload = decode(reports, record).getPayload();
        if (payload instanceof PartitionSealed ps) {
          onSealed(ps);
        } else if (payload instanceof StepProgress progress) {
          onProgress(progress);
        }
      }
    } catch (Rejected r) {
      deadLetter(record, r);
    }
    startReadySteps(record.timestamp());
  }

  private void onSealed(PartitionSealed ps) {
    SealProgress sp = seals.get(StepKeys.step(ps.getSequence()));
    if (sp == null) {
      sp = SealProgress.newBuilder().setRelease(ps.getRelease()).setSequence(ps.getSequence())
          .setPartitions(ps.getPartitions()).setSealed(new HashMap<>()).build();
    }
    sp.getSealed().put(Integer.toString(ps.getPartition()), ps);
    seals.put(StepKeys.step(ps.getSequence()), sp);
    LOG.info("release {} (sequence {}) sealed on partition {} ({} of {})", ps.getRelease(), ps.getSequence(),
        ps.getPartition(), sp.getSealed().size(), sp.getPartitions());
  }

  private void onProgress(StepProgress p) throws Rejected {
    StepStatus s = steps.get(StepKeys.step(p.getStep()));
    if (s == null) {
      throw new Rejected(UNKNOWN_STEP, "progress of step " + p.getStep() + ", which was never started");
    }
    String source = Integer.toString(p.getSource());
    boolean all;
    switch (p.getPhase()) {
      case POOL_REQUESTED -> {
        s.getRequested().put(source, p.getRecords());
        s.getFresh().put(source, p.getFresh());
        all = s.getRequested().size() >= p.getSources();
        if (all && s.getRequestedAtMs() < 0) {
          s.setRequestedAtMs(p.getAtMs());
        }
      }
      case SCORES_COMPLETE -> {
        s.getScored().put(source, p.getRecords());
        if (p.getFirstAtMs() >= 0 && (s.getScoresStartedAtMs() < 0 || p.getFirstAtMs() < s.getScoresStartedAtMs())) {
          s.setScoresStartedAtMs(p.getFirstAtMs());
        }
        s.getDeadLetters().put("scores/" + source, p.getDeadLetters());
        all = s.getScored().size() >= p.getSources();
        if (all && s.getScoresCompleteAtMs() < 0) {
          s.setScoresCompleteAtMs(p.getAtMs());
        }
      }
      case CLUSTERS_FITTED -> {
        s.setClusters(p.getClusters());
        s.getDeadLetters().put("reservoir/" + source, p.getDeadLetters());
        if (s.getClustersFittedAtMs() < 0) {
          s.setClustersFittedAtMs(p.getAtMs());
        }
      }
      case SELECTION_DONE -> {
        s.getSelected().put(source, p.getSelected());
        s.getPruned().put(source, p.getPruned());
        s.getPrunedFresh().put(source, p.getPrunedFresh());
        s.getPickPercentileSum().put(source, p.getPickPercentileSum());
        s.getPickPercentileCount().put(source, p.getPickPercentileCount());
        s.getDeadLetters().put("by-cluster/" + source, p.getDeadLetters());
        all = s.getSelected().size() >= p.getSources();
        if (all && s.getSelectionDoneAtMs() < 0) {
          s.setSelectionDoneAtMs(p.getAtMs());
          LOG.info("step {} done: {} selected, {} pruned", p.getStep(), sum(s.getSelected().values()),
              sum(s.getPruned().values()));
        }
      }
      default -> throw new Rejected(UNEXPECTED, "unknown phase " + p.getPhase());
    }
    steps.put(StepKeys.step(p.getStep()), s);
  }

  private void startReadySteps(long timestamp) {
    StepStatus last = lastStep();
    int next = last == null ? 1 : last.getStep() + 1;
    if (last != null && last.getSelectionDoneAtMs() < 0) {
      return;
    }
    SealProgress sp = seals.get(StepKeys.step(next));
    if (sp == null || sp.getSealed().size() < sp.getPartitions()) {
      return;
    }
    ModelVersion previous = models.get(StepKeys.step(next - 1));
    if (previous == null) {
      return;
    }
    List<String> warnings = new ArrayList<>();
    sp.getSealed().values().stream().filter(ps -> ps.getExpected() != ps.getHeld())
        .forEach(ps -> warnings.add("partition " + ps.getPartition() + ": seal counts " + ps.getExpected()
            + " samples, " + ps.getHeld() + " were read"));
    long now = now();
    StepStart start = StepStart.newBuilder().setStep(next).setModel(sc.modelName).setModelVersion(next - 1)
        .setAtMs(now).build();
    steps.put(StepKeys.step(next), StepStatus.newBuilder().setStep(next).setRelease(sp.getRelease())
        .setModel(sc.modelName).setModelVersion(next - 1).setStartedAtMs(now).setPartitions(sc.partitions)
        .setRequested(new HashMap<>()).setFresh(new HashMap<>()).setScored(new HashMap<>())
        .setSelected(new HashMap<>()).setPruned(new HashMap<>()).setPrunedFresh(new HashMap<>())
        .setPickPercentileSum(new HashMap<>()).setPickPercentileCount(new HashMap<>()).setDeadLetters(new HashMap<>())
        .setSealWarnings(warnings).build());
    send(SelectorTopology.COORDINATOR_POOL_CONTROL_SINK, StepKeys.step(next), new PoolControl(start), timestamp);
    commitSoon();
    LOG.info("step {} started: release {}, model {} version {}", next, sp.getRelease(), sc.modelName, next - 1);
  }

  private StepStatus lastStep() {
    try (KeyValueIterator<String, StepStatus> it = steps.reverseAll()) {
      return it.hasNext() ? it.next().value : null;
    }
  }

  private static long sum(Iterable<Long> values) {
    long total = 0;
    for (long v : values) {
      total += v;
    }
    return total;
  }
}
