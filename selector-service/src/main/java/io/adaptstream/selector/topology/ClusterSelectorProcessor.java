package io.adaptstream.selector.topology;

import io.adaptstream.avro.ClusterEvent;
import io.adaptstream.avro.ClusterMember;
import io.adaptstream.avro.ClusterSummary;
import io.adaptstream.avro.Coordination;
import io.adaptstream.avro.PoolControl;
import io.adaptstream.avro.PoolDeletion;
import io.adaptstream.avro.SampleProvenance;
import io.adaptstream.avro.SelectedSample;
import io.adaptstream.avro.Selection;
import io.adaptstream.avro.SelectionEvent;
import io.adaptstream.avro.StepBarrier;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.avro.StepPhase;
import io.adaptstream.avro.StepProgress;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import io.adaptstream.selector.SelectorMetrics;
import io.adaptstream.selector.algo.ClusterDecision;
import io.adaptstream.selector.algo.ClusterSelector;
import io.adaptstream.selector.algo.Member;
import io.adaptstream.selector.algo.Scorer;
import io.adaptstream.selector.algo.Seeds;
import io.adaptstream.selector.algo.SelectionPolicy;
import io.adaptstream.selector.algo.StepBudgets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * Decides the clusters dealt to by-cluster partition p (cluster c goes to partition {@code c mod partitions}).
 *
 * <p>It collects each cluster's members; when every score collector's marker is in and the counts add up, it sums
 * the markers' per-cluster counts into GLOBAL sizes, plans keep and training budgets from them
 * ({@link StepBudgets}, the same numbers on every partition), and runs {@link ClusterSelector} for each of its
 * clusters in cluster order, on the members sorted by id, seeded by (seed, step, cluster). Then, in one
 * transaction: the {@link Selection}s, the pool deletions (to the pool-control partition holding each sample), a
 * marker to every selections partition with its count and the global cluster counts, a provenance record per
 * member (unless {@code selector.provenance} is off: what the member's scores, cluster, scorer, CCS stratum,
 * redundancy and fate were, and why), and a progress report. Summaries and selections stay in stores for
 * interactive queries, and so do the provenance records ({@code provenance} store).
 *
 * <p>Members are not written to Kafka a second time: the {@code selector-members} store holds the by-cluster topic
 * as it is (key {@code <step>/<cluster>/<sample id>} to the record's bytes, every record, restored from the topic
 * itself up to the committed offset), and a decision reads its clusters' key ranges. The only member this store
 * can lose is one a later record with the same key replaces (a duplicate); it is copied to the changelogged
 * {@code selector-members-kept} store first, and that copy is the one decided on.
 */
final class ClusterSelectorProcessor extends StepProcessor {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterSelectorProcessor.class);
  /** Skill label used for samples without one. */
  static final String NO_SKILL = "-";

  private final Deserializer<ClusterEvent> events;
  private final ClusterSelector selector;
  private KeyValueStore<String, byte[]> members;
  private KeyValueStore<String, byte[]> kept;
  private KeyValueStore<String, ClusterSummary> summaries;
  private KeyValueStore<String, SelectedSample> selections;
  private KeyValueStore<String, SampleProvenance> provenance;
  private StepBarriers barriers;

  ClusterSelectorProcessor(SelectorContext sc) {
    super(sc, SelectorTopology.SELECTOR_DLQ_SINK);
    this.events = sc.serdes.deserializer(ClusterEvent.class);
    this.selector = sc.clusterSelector();
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    members = context.getStateStore(SelectorTopology.SELECTOR_MEMBERS_STORE);
    kept = context.getStateStore(SelectorTopology.SELECTOR_MEMBERS_KEPT_STORE);
    summaries = context.getStateStore(SelectorTopology.CLUSTERS_STORE);
    selections = context.getStateStore(SelectorTopology.SELECTIONS_STORE);
    provenance = sc.provenance ? context.getStateStore(SelectorTopology.PROVENANCE_STORE) : null;
    barriers = new StepBarriers(context.getStateStore(SelectorTopology.SELECTOR_BARRIERS_STORE));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    // the member this record's key already holds, if one was accepted (a later record cannot replace it)
    ClusterMember earlier = null;
    if (record.key() != null) { // restoring skips null keys too
      byte[] previous = members.get(record.key());
      if (previous != null) {
        byte[] keptBytes = kept.get(record.key());
        earlier = keptBytes != null ? member(record.key(), keptBytes) : member(record.key(), previous);
        if (keptBytes == null && earlier != null && !barriers.get(earlier.getStep()).getForwarded()) {
          kept.put(record.key(), previous);
        }
      }
      members.put(record.key(), record.value());
    }
    int step;
    try {
      Object payload = decode(events, record).getPayload();
      if (payload instanceof StepMarker m) {
        barriers.checkKnown(m.getStep(), "by-cluster marker");
        step = m.getStep();
        if (m.getTargetPartition() >= 0 && m.getTargetPartition() != partition()) {
          deadLetter(record, MISROUTED, "marker for partition " + m.getTargetPartition() + " on " + partition());
        } else {
          StepBarriers.MarkerOutcome outcome = barriers.addMarker(m);
          if (outcome != StepBarriers.MarkerOutcome.ACCEPTED) {
            LOG.info("{} by-cluster marker of step {} from source {}: ignored", outcome, step,
                m.getSourcePartition());
          }
        }
      } else {
        ClusterMember m = (ClusterMember) payload;
        barriers.checkKnown(m.getStep(), "member " + m.getSampleId());
        step = m.getStep();
        onMember(record, m, earlier != null);
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
      decide(record, b);
    }
  }

  private void onMember(Record<String, byte[]> record, ClusterMember m, boolean keyTaken) {
    String reason = null;
    String detail = null;
    String key = StepKeys.clusterMember(m.getStep(), m.getCluster(), m.getSampleId());
    if (barriers.get(m.getStep()).getForwarded()) {
      deadLetter(record, LATE, "member " + m.getSampleId() + " after step " + m.getStep() + " was decided");
      return;
    }
    if (m.getCluster() < 0 || StepKeys.partitionForCluster(m.getCluster(), sc.partitions) != partition()) {
      reason = MISROUTED;
      detail = "cluster " + m.getCluster() + " does not belong on partition " + partition();
    } else if (keyTaken) {
      reason = DUPLICATE;
      detail = "sample " + m.getSampleId() + " twice in cluster " + m.getCluster() + " at step " + m.getStep();
    } else if (!key.equals(record.key())) {
      reason = MISROUTED;
      detail = "member keyed '" + record.key() + "', not " + key;
    }
    if (reason != null) {
      barriers.countData(m.getStep(), true, now());
      deadLetter(record, reason, detail);
      return;
    }
    barriers.countData(m.getStep(), false, now());
  }

  /** The member stored bytes hold, if they are one this partition accepts under that key; otherwise null. */
  private ClusterMember member(String key, byte[] bytes) {
    try {
      if (events.deserialize(sc.catalogue.byCluster.name(), bytes).getPayload() instanceof ClusterMember m
          && m.getCluster() >= 0 && StepKeys.partitionForCluster(m.getCluster(), sc.partitions) == partition()
          && key.equals(StepKeys.clusterMember(m.getStep(), m.getCluster(), m.getSampleId()))) {
        return m;
      }
    } catch (RuntimeException e) {
      if (SchemaRegistryException.isUnavailable(e)) {
        throw e; // not "no member": the registry is down
      }
      LOG.debug("stored by-cluster record {} is not a member: {}", key, e.getMessage());
    }
    return null;
  }

  private void decide(Record<String, byte[]> record, StepBarrier b) {
    long t0 = System.nanoTime();
    int step = b.getStep();
    long[] sizes = b.getClusterCounts().stream().mapToLong(Long::longValue).toArray();
    long[] fresh = new long[sizes.length];
    for (int c = 0; c < sizes.length && c < b.getFreshClusterCounts().size(); c++) {
      fresh[c] = b.getFreshClusterCounts().get(c);
    }
    StepBudgets budgets = StepBudgets.plan(sc.policy, sizes, fresh, sc.budget, sc.poolCap,
        sc.rules.pruneTiming());
    int targets = sc.catalogue.selections.partitions();
    long[] perTarget = new long[targets];
    long decided = 0;
    int own = 0;
    long selected = 0;
    long pruned = 0;
    ClusterDecision.Diagnostics diagnostics = ClusterDecision.Diagnostics.NONE;
    String retireReason = sc.policy.pool() == SelectionPolicy.Pool.NEW_RELEASE_ONLY ? "retired" : "pruned";
    Map<String, byte[]> keptOfStep = keptOf(step);
    for (int c = 0; c < sizes.length; c++) {
      if (StepKeys.partitionForCluster(c, sc.partitions) != partition()) {
        continue;
      }
      own++;
      List<ClusterMember> cluster = clusterMembers(step, c, keptOfStep);
      if (cluster.size() != sizes[c]) {
        LOG.warn("step {} cluster {}: {} members arrived, the markers count {}", step, c, cluster.size(), sizes[c]);
      }
      Map<String, ClusterMember> byId = new HashMap<>();
      List<Member> algoMembers = new ArrayList<>(cluster.size());
      for (ClusterMember m : cluster) {
        byId.put(m.getSampleId(), m);
        algoMembers.add(Member.of(m.getSampleId(), m.getFresh(), null, Vectors.toArray(m.getEmbedding()),
            m.getPerplexity(), m.getEl2n(), m.getEntropy(), m.getGrounding(), m.getGrand()));
      }
      ClusterDecision d = selector.decide(c, algoMembers, budgets.train()[c], budgets.keep()[c],
          Seeds.forCluster(sc.seed, step, c));
      Map<String, Long> skills = new TreeMap<>();
      Map<String, Long> selectedSkills = new TreeMap<>();
      cluster.forEach(m -> skills.merge(skillOf(m), 1L, Long::sum));
      for (ClusterDecision.Selected s : d.selected()) {
        ClusterMember m = byId.get(s.id());
        Selection selection = Selection.newBuilder().setStep(step).setSampleId(s.id()).setCluster(c)
            .setScorer(s.scorer()).setScore(s.score()).setSample(m.getSample()).build();
        send(SelectorTopology.SELECTOR_SELECTIONS_SINK, s.id(), new SelectionEvent(selection), record.timestamp());
        perTarget[StepKeys.partitionForKey(s.id(), targets)]++;
        selections.put(StepKeys.member(step, s.id()), SelectedSample.newBuilder().setStep(step).setSampleId(s.id())
            .setCluster(c).setScorer(s.scorer()).setScore(s.score()).setFresh(m.getFresh())
            .setRelease(m.getSample().getRelease()).setSkill(m.getSample().getSkill()).build());
        selectedSkills.merge(skillOf(m), 1L, Long::sum);
      }
      for (String id : d.pruned()) {
        PoolDeletion deletion = PoolDeletion.newBuilder().setStep(step).setSampleId(id).setCluster(c)
            .setReason(retireReason).build();
        send(SelectorTopology.SELECTOR_POOL_CONTROL_SINK, id, new PoolControl(deletion), record.timestamp());
      }
      Map<String, Double> entropies = new LinkedHashMap<>();
      d.entropies().forEach((scorer, h) -> entropies.put(scorer.label(), h));
      if (sc.provenance) {
        sendProvenance(record, step, c, d, byId, sizes[c], budgets.train()[c], budgets.keep()[c], entropies);
      }
      summaries.put(StepKeys.cluster(step, c), ClusterSummary.newBuilder().setStep(step).setCluster(c)
          .setSize(sizes[c]).setFresh(fresh[c]).setKeep(budgets.keep()[c]).setTrainBudget(budgets.train()[c])
          .setScorer(d.chosenScorer().map(Scorer::label).orElse(ClusterDecision.NO_SCORER))
          .setEntropies(entropies).setSelected(d.selected().size()).setPruned(d.pruned().size())
          .setSkills(new HashMap<>(skills)).setSelectedSkills(new HashMap<>(selectedSkills)).build());
      decided += cluster.size();
      selected += d.selected().size();
      pruned += d.pruned().size();
      diagnostics = diagnostics.plus(d.diagnostics());
    }
    for (int r = 0; r < targets; r++) {
      StepMarker marker = StepMarker.newBuilder().setStep(step).setSourcePartition(partition())
          .setCount(perTarget[r]).setSourcePartitions(sc.partitions).setTargetPartition(r)
          .setClusterCounts(Vectors.toList(sizes)).setFreshClusterCounts(Vectors.toList(fresh)).build();
      send(SelectorTopology.SELECTOR_SELECTIONS_SINK, StepKeys.marker(step, partition()), new SelectionEvent(marker),
          record.timestamp());
    }
    keptOfStep.keySet().forEach(kept::delete); // the members store keeps the topic as it is: its entries stay
    barriers.finish(b, now());
    StepProgress progress = StepProgress.newBuilder().setStep(step).setPhase(StepPhase.SELECTION_DONE)
        .setSource(partition()).setSources(sc.partitions).setAtMs(now()).setRecords(decided).setSelected(selected)
        .setPruned(pruned).setClusters(sizes.length).setDeadLetters(b.getDeadLetters())
        .setPrunedFresh(diagnostics.prunedFresh()).setPickPercentileSum(diagnostics.pickPercentileSum())
        .setPickPercentileCount(diagnostics.pickPercentileCount()).build();
    send(SelectorTopology.SELECTOR_COORDINATION_SINK, StepKeys.step(step), new Coordination(progress),
        record.timestamp());
    commitSoon();
    sc.metrics.decided(selected, pruned);
    sc.metrics.phaseTook(SelectorMetrics.PHASE_SELECTION, System.nanoTime() - t0);
    LOG.info("step {} partition {}: decided {} members of {} of the {} clusters, selected {}, pruned {}", step,
        partition(), decided, own, sizes.length, selected, pruned);
  }

  /** One provenance record per member of the decided cluster, in member order, keyed {@code <step>/<id>}. */
  private void sendProvenance(Record<String, byte[]> record, int step, int cluster, ClusterDecision d,
      Map<String, ClusterMember> byId, long size, long trainBudget, long keepBudget, Map<String, Double> entropies) {
    String scorer = d.chosenScorer().map(Scorer::label).orElse(ClusterDecision.NO_SCORER);
    for (ClusterDecision.Trace t : d.traces()) {
      ClusterMember m = byId.get(t.id());
      Map<String, Double> scores = new LinkedHashMap<>();
      scores.put(Scorer.PERPLEXITY.label(), m.getPerplexity());
      scores.put(Scorer.EL2N.label(), m.getEl2n());
      scores.put(Scorer.ENTROPY.label(), m.getEntropy());
      scores.put(Scorer.GROUNDING.label(), m.getGrounding());
      scores.put(Scorer.GRAND.label(), m.getGrand());
      Double ranked = d.chosenScorer().map(s -> s.transform(scores.get(s.label()))).filter(Double::isFinite)
          .orElse(null);
      SampleProvenance p = SampleProvenance.newBuilder().setStep(step).setSampleId(t.id())
          .setRelease(m.getSample().getRelease()).setSourceId(m.getSample().getSourceId())
          .setSkill(m.getSample().getSkill()).setFresh(m.getFresh()).setModel(sc.modelName)
          .setModelVersion(m.getModelVersion()).setScores(scores).setCluster(cluster)
          .setCentroidDistance(m.getCentroidDistance()).setClusterSize(size).setTrainBudget(trainBudget)
          .setKeepBudget(keepBudget).setScorer(scorer).setEntropies(entropies).setRankedScore(ranked)
          .setCandidate(t.candidate()).setCcsStratum(t.ccsStratum()).setCcsStrata(d.ccsStrata())
          .setSelected(t.selected()).setSelection(t.selection())
          .setRedundancy(Double.isNaN(t.redundancy()) ? null : t.redundancy()).setNearest(t.nearest())
          .setPruned(t.pruned()).setPruneReason(t.pruneReason()).setDuplicateOf(t.duplicateOf()).build();
      String key = StepKeys.member(step, t.id());
      send(SelectorTopology.SELECTOR_PROVENANCE_SINK, key, p, record.timestamp());
      provenance.put(key, p);
    }
  }

  private List<ClusterMember> clusterMembers(int step, int cluster, Map<String, byte[]> keptOfStep) {
    List<ClusterMember> out = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = members.prefixScan(StepKeys.clusterPrefix(step, cluster),
        Serdes.String().serializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        ClusterMember m = member(kv.key, keptOfStep.getOrDefault(kv.key, kv.value));
        if (m != null) { // anything else under the key range was dead-lettered when it arrived
          out.add(m);
        }
      }
    }
    out.sort(Comparator.comparing(ClusterMember::getSampleId)); // the algorithms' order, whatever the byte order
    return out;
  }

  /** The step's kept copies of members a later record replaced in the members store. */
  private Map<String, byte[]> keptOf(int step) {
    Map<String, byte[]> out = new HashMap<>();
    try (KeyValueIterator<String, byte[]> it = kept.prefixScan(StepKeys.stepPrefix(step),
        Serdes.String().serializer())) {
      it.forEachRemaining(kv -> out.put(kv.key, kv.value));
    }
    return out;
  }

  private static String skillOf(ClusterMember m) {
    String skill = m.getSample().getSkill();
    return skill == null || skill.isBlank() ? NO_SKILL : skill;
  }
}
