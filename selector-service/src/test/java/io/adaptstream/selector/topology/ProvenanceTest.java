package io.adaptstream.selector.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.adaptstream.avro.ClusterEvent;
import io.adaptstream.avro.ClusterMember;
import io.adaptstream.avro.ClusterSummary;
import io.adaptstream.avro.PoolDeletion;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SampleProvenance;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.Selection;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.selector.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster selector's provenance records: one per member of every decided cluster, in the step's output, with
 * what scored it, its cluster, the cluster's scorer, its CCS stratum, its redundancy and its fate, with reasons.
 */
class ProvenanceTest {

  /** Train 2, keep 5 of one cluster of 8 members: one near-duplicate copy and two over the cap are pruned. */
  private static final Map<String, String> SETTINGS = Map.of("selector.budget", "2", "selector.pool.cap", "5",
      "selector.seed", "3");
  private static final int MEMBERS = 8;

  @TempDir
  Path stateDir;
  private TopologyHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void shouldExplainEveryMemberWhenItsClusterIsDecided() throws Exception {
    // given: one cluster of 8 members in id order m0..m7, embeddings one axis each, except that m5 repeats m1
    // exactly (a near-duplicate) and m6 leans towards m3 (cosine 0.89: redundant, but under the threshold)
    h = new TopologyHarness(stateDir, SETTINGS);
    List<Sample> samples = new ArrayList<>(TestData.release("r1", MEMBERS, 0, 5));
    samples.sort(Comparator.comparing(Sample::getId));
    List<ClusterMember> members = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      float[] e = new float[MEMBERS];
      if (i == 5) {
        e[1] = 1f;
      } else if (i == 6) {
        e[3] = 1f;
        e[6] = 0.5f;
      } else {
        e[i] = 1f;
      }
      members.add(member(samples.get(i), e, 0.25 * i));
    }
    String original = samples.get(1).getId();
    String copy = samples.get(5).getId();

    // when
    members.forEach(m -> h.pipe(h.catalogue.byCluster, key(m), new ClusterEvent(m)));
    h.pipe(h.catalogue.byCluster, StepKeys.marker(1, 0), new ClusterEvent(StepMarker.newBuilder().setStep(1)
        .setSourcePartition(0).setCount(MEMBERS).setSourcePartitions(1).setTargetPartition(0)
        .setClusterCounts(List.of((long) MEMBERS)).setFreshClusterCounts(List.of((long) MEMBERS)).build()));

    // then: one record per member, keyed <step>/<id>, agreeing with the selections and deletions
    Map<String, SampleProvenance> byId = new HashMap<>();
    h.read(h.catalogue.provenance).forEach(p -> byId.put(p.getSampleId(), p));
    assertThat(byId).hasSize(MEMBERS);
    h.drainOutputs();
    Set<String> selected = h.selections(1).stream().map(Selection::getSampleId).collect(Collectors.toSet());
    Set<String> pruned = h.deletions(1).stream().map(PoolDeletion::getSampleId).collect(Collectors.toSet());
    assertThat(selected).hasSize(2);
    assertThat(pruned).hasSize(MEMBERS - 5);
    assertThat(byId.values().stream().filter(SampleProvenance::getSelected).map(SampleProvenance::getSampleId))
        .containsExactlyInAnyOrderElementsOf(selected);
    assertThat(byId.values().stream().filter(SampleProvenance::getPruned).map(SampleProvenance::getSampleId))
        .containsExactlyInAnyOrderElementsOf(pruned);
    ClusterSummary summary = h.driver.<String, ClusterSummary>getKeyValueStore(SelectorTopology.CLUSTERS_STORE)
        .get(StepKeys.cluster(1, 0));

    // a selected sample: what scored it, where it sits, how its cluster chose, and which stratum it was drawn from
    SampleProvenance chosen = byId.get(new TreeSet<>(selected).first());
    int at = indexOf(samples, chosen.getSampleId());
    assertThat(chosen.getModel()).isEqualTo(TopologyHarness.MODEL);
    assertThat(chosen.getModelVersion()).isZero();
    assertThat(chosen.getCentroidDistance()).isEqualTo(0.25 * at);
    assertThat(chosen.getRelease()).isEqualTo("r1");
    assertThat(chosen.getSourceId()).isEqualTo(samples.get(at).getSourceId());
    assertThat(chosen.getScores()).containsEntry("el2n", members.get(at).getEl2n()).hasSize(5);
    assertThat(chosen.getScorer()).isEqualTo(summary.getScorer()).isNotEqualTo("none");
    assertThat(chosen.getEntropies()).isEqualTo(summary.getEntropies()).hasSize(4);
    assertThat(chosen.getClusterSize()).isEqualTo(MEMBERS);
    assertThat(chosen.getTrainBudget()).isEqualTo(2);
    assertThat(chosen.getKeepBudget()).isEqualTo(5);
    assertThat(chosen.getCandidate()).isTrue();
    assertThat(chosen.getCcsStratum()).isBetween(0, chosen.getCcsStrata() - 1);
    assertThat(chosen.getSelection()).startsWith("selected: CCS stratum " + chosen.getCcsStratum() + " of ");
    assertThat(chosen.getRankedScore()).isNotNull();

    // the copy: pruned as a near-duplicate, naming the sample it repeats
    SampleProvenance dup = byId.get(copy);
    assertThat(dup.getPruned()).isTrue();
    assertThat(dup.getPruneReason()).isEqualTo("near-duplicate");
    assertThat(dup.getDuplicateOf()).isEqualTo(original);
    assertThat(dup.getNearest()).isEqualTo(original);
    assertThat(dup.getRedundancy()).isCloseTo(1.0, within(1e-6));
    assertThat(byId.get(original).getPruned()).isFalse();

    // over the cap: the two most redundant of the rest (m3 and m6, cosine 0.894 to each other)
    String m3 = samples.get(3).getId();
    String m6 = samples.get(6).getId();
    assertThat(byId.values().stream().filter(p -> "over-cap".equals(p.getPruneReason()))
        .map(SampleProvenance::getSampleId)).containsExactlyInAnyOrder(m3, m6);
    SampleProvenance over = byId.get(m6);
    assertThat(over.getDuplicateOf()).isEqualTo(m3);
    assertThat(over.getRedundancy()).isCloseTo(1 / Math.sqrt(1.25), within(1e-6));

    // kept members carry their statistic too, and no reason
    SampleProvenance kept = byId.get(samples.get(0).getId());
    assertThat(kept.getPruned()).isFalse();
    assertThat(kept.getPruneReason()).isNull();
    assertThat(kept.getRedundancy()).isNotNull();

    // and the query store holds each record under <step>/<id>, as written
    KeyValueStore<String, SampleProvenance> store = h.driver.getKeyValueStore(SelectorTopology.PROVENANCE_STORE);
    assertThat(store.get(StepKeys.member(1, copy))).isEqualTo(dup);
    try (KeyValueIterator<String, SampleProvenance> all = store.prefixScan(StepKeys.stepPrefix(1),
        new StringSerializer())) {
      assertThat(all).toIterable().hasSize(MEMBERS);
    }
  }

  @Test
  void shouldWriteNoProvenanceWhenItIsSwitchedOff() throws Exception {
    // given
    Map<String, String> settings = new HashMap<>(SETTINGS);
    settings.put("selector.provenance", "false");
    h = new TopologyHarness(stateDir, settings);
    List<Sample> samples = TestData.release("r1", 3, 0, 5);

    // when
    for (int i = 0; i < samples.size(); i++) {
      float[] e = new float[MEMBERS];
      e[i] = 1f;
      ClusterMember m = member(samples.get(i), e, 0.1);
      h.pipe(h.catalogue.byCluster, key(m), new ClusterEvent(m));
    }
    h.pipe(h.catalogue.byCluster, StepKeys.marker(1, 0), new ClusterEvent(StepMarker.newBuilder().setStep(1)
        .setSourcePartition(0).setCount(3).setSourcePartitions(1).setTargetPartition(0)
        .setClusterCounts(List.of(3L)).setFreshClusterCounts(List.of(3L)).build()));

    // then
    h.drainOutputs();
    assertThat(h.selections(1)).hasSize(2);
    assertThat(h.driver.producedTopicNames()).doesNotContain(h.catalogue.provenance.name());
    assertThat(h.driver.getAllStateStores()).doesNotContainKey(SelectorTopology.PROVENANCE_STORE);
  }

  private static int indexOf(List<Sample> samples, String id) {
    for (int i = 0; i < samples.size(); i++) {
      if (samples.get(i).getId().equals(id)) {
        return i;
      }
    }
    throw new AssertionError("no sample " + id);
  }

  private static String key(ClusterMember m) {
    return StepKeys.clusterMember(m.getStep(), m.getCluster(), m.getSampleId());
  }

  private static ClusterMember member(Sample s, float[] embedding, double distance) {
    SampleScores sc = TestData.scores(TestData.request(1, TopologyHarness.MODEL, s, true));
    List<Float> e = new ArrayList<>();
    for (float v : embedding) {
      e.add(v);
    }
    return ClusterMember.newBuilder().setStep(1).setCluster(0).setSampleId(s.getId()).setFresh(true)
        .setEmbedding(e).setPerplexity(sc.getPerplexity()).setEl2n(sc.getEl2n()).setEntropy(sc.getEntropy())
        .setGrounding(sc.getGrounding()).setGrand(sc.getGrand()).setSample(s).setModelVersion(0)
        .setCentroidDistance(distance).build();
  }
}
