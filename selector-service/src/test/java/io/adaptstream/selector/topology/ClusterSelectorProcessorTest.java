package io.adaptstream.selector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.ClusterEvent;
import io.adaptstream.avro.ClusterMember;
import io.adaptstream.avro.ClusterSummary;
import io.adaptstream.avro.Coordination;
import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.PoolDeletion;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.Selection;
import io.adaptstream.avro.SelectionEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.avro.StepPhase;
import io.adaptstream.avro.StepProgress;
import io.adaptstream.selector.TestData;
import io.adaptstream.selector.algo.ClusterDecision;
import io.adaptstream.selector.algo.ClusterSelector;
import io.adaptstream.selector.algo.Member;
import io.adaptstream.selector.algo.Seeds;
import io.adaptstream.selector.algo.StepBudgets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster selector: global budgets from the assigners' markers, one decision per cluster, then its outputs. */
class ClusterSelectorProcessorTest {

  private static final Map<String, String> SETTINGS = Map.of("selector.budget", "12", "selector.pool.cap", "30",
      "selector.seed", "9");

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
  void shouldDecideEveryClusterFromTheGlobalCountsOnceEveryAssignerHasReported() throws Exception {
    // given: two clusters whose members come from three assigners
    h = new TopologyHarness(stateDir, SETTINGS);
    List<List<ClusterMember>> bySource = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    List<List<ClusterMember>> byCluster = List.of(new ArrayList<>(), new ArrayList<>());
    List<Sample> samples = TestData.release("r1", 45, 0, 4);
    for (int i = 0; i < samples.size(); i++) {
      int cluster = i % 3 == 0 ? 1 : 0;
      ClusterMember m = member(samples.get(i), cluster, i % 2 == 0);
      bySource.get(i % 3 == 0 ? 0 : 1 + i % 2).add(m);
      byCluster.get(cluster).add(m);
    }

    // when
    List<SelectionEvent> early = new ArrayList<>();
    for (int source = 0; source < 3; source++) {
      bySource.get(source).forEach(m -> h.pipe(h.catalogue.byCluster, key(m), new ClusterEvent(m)));
      long[] counts = {0, 0};
      long[] fresh = {0, 0};
      bySource.get(source).forEach(m -> {
        counts[m.getCluster()]++;
        fresh[m.getCluster()] += m.getFresh() ? 1 : 0;
      });
      early.addAll(h.read(h.catalogue.selections));
      h.pipe(h.catalogue.byCluster, StepKeys.marker(1, source), new ClusterEvent(StepMarker.newBuilder().setStep(1)
          .setSourcePartition(source).setCount(bySource.get(source).size()).setSourcePartitions(3)
          .setTargetPartition(0).setClusterCounts(List.of(counts[0], counts[1]))
          .setFreshClusterCounts(List.of(fresh[0], fresh[1])).build()));
    }

    // then
    assertThat(early).isEmpty();
    long[] sizes = {byCluster.get(0).size(), byCluster.get(1).size()};
    long[] freshSizes = byCluster.stream().mapToLong(l -> l.stream().filter(ClusterMember::getFresh).count())
        .toArray();
    StepBudgets budgets = StepBudgets.plan(h.config.policy(), sizes, freshSizes, 12, 30,
        h.config.rules().pruneTiming());
    ClusterSelector selector = new ClusterSelector(h.config.policy(),
        new io.adaptstream.selector.algo.ScorerChoice(h.config.entropyMode()), h.config.pruneMaxPairwise(),
        h.config.rules());
    TreeSet<String> expectedSelected = new TreeSet<>();
    TreeSet<String> expectedPruned = new TreeSet<>();
    long expectedPrunedFresh = 0;
    double expectedPercentileSum = 0;
    long expectedPercentileCount = 0;
    for (int c = 0; c < 2; c++) {
      List<Member> members = byCluster.get(c).stream().sorted(Comparator.comparing(ClusterMember::getSampleId))
          .map(ClusterSelectorProcessorTest::algoMember).toList();
      ClusterDecision d = selector.decide(c, members, budgets.train()[c], budgets.keep()[c],
          Seeds.forCluster(9, 1, c));
      d.selected().forEach(s -> expectedSelected.add(s.id()));
      expectedPruned.addAll(d.pruned());
      expectedPrunedFresh += d.diagnostics().prunedFresh();
      expectedPercentileSum += d.diagnostics().pickPercentileSum();
      expectedPercentileCount += d.diagnostics().pickPercentileCount();
    }
    List<SelectionEvent> out = h.read(h.catalogue.selections);
    TreeSet<String> selected = new TreeSet<>();
    out.stream().filter(e -> e.getPayload() instanceof Selection)
        .forEach(e -> selected.add(((Selection) e.getPayload()).getSampleId()));
    assertThat(selected).isEqualTo(expectedSelected).hasSize(12);
    assertThat(out.get(out.size() - 1).getPayload()).isInstanceOfSatisfying(StepMarker.class, m -> {
      assertThat(m.getCount()).isEqualTo(12);
      assertThat(m.getClusterCounts()).containsExactly(sizes[0], sizes[1]);
    });
    TreeSet<String> pruned = new TreeSet<>();
    h.read(h.catalogue.poolControl).stream().filter(c -> c.getPayload() instanceof PoolDeletion)
        .forEach(c -> pruned.add(((PoolDeletion) c.getPayload()).getSampleId()));
    assertThat(pruned).isEqualTo(expectedPruned).hasSize(45 - 30);
    ClusterSummary summary = h.driver.<String, ClusterSummary>getKeyValueStore(SelectorTopology.CLUSTERS_STORE)
        .get(StepKeys.cluster(1, 1));
    assertThat(summary.getSize()).isEqualTo(sizes[1]);
    assertThat(summary.getSkills().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(sizes[1]);
    // and the progress report carries the decisions' diagnostics, summed over this task's clusters
    long prunedFresh = byCluster.stream().flatMap(List::stream)
        .filter(m -> m.getFresh() && expectedPruned.contains(m.getSampleId())).count();
    assertThat(expectedPrunedFresh).isEqualTo(prunedFresh).isPositive();
    assertThat(expectedPercentileCount).isEqualTo(12);
    StepProgress progress = h.read(h.catalogue.coordination).stream().map(Coordination::getPayload)
        .filter(StepProgress.class::isInstance).map(StepProgress.class::cast)
        .filter(p -> p.getPhase() == StepPhase.SELECTION_DONE).findFirst().orElseThrow();
    assertThat(progress.getPrunedFresh()).isEqualTo(expectedPrunedFresh);
    assertThat(progress.getPickPercentileSum()).isEqualTo(expectedPercentileSum);
    assertThat(progress.getPickPercentileCount()).isEqualTo(expectedPercentileCount);
  }

  @Test
  void shouldDeadLetterAMemberThatArrivesAfterItsStepWasDecided() throws Exception {
    // given
    h = new TopologyHarness(stateDir, SETTINGS);
    List<Sample> samples = TestData.release("r1", 4, 0, 4);
    for (Sample s : samples.subList(0, 3)) {
      ClusterMember m = member(s, 0, true);
      h.pipe(h.catalogue.byCluster, key(m), new ClusterEvent(m));
    }
    h.pipe(h.catalogue.byCluster, StepKeys.marker(1, 0), new ClusterEvent(StepMarker.newBuilder().setStep(1)
        .setSourcePartition(0).setCount(3).setSourcePartitions(1).setTargetPartition(0)
        .setClusterCounts(List.of(3L)).setFreshClusterCounts(List.of(3L)).build()));

    // when
    ClusterMember late = member(samples.get(3), 0, true);
    h.pipe(h.catalogue.byCluster, key(late), new ClusterEvent(late));

    // then
    h.drainOutputs();
    assertThat(h.selections(1)).hasSize(3);
    assertThat(h.deadLetters).filteredOn(dl -> dl.getSourceTopic().equals(h.catalogue.byCluster.name()))
        .extracting(DeadLetter::getReason).containsExactly("late");
  }

  /** How the assigners key a member on the by-cluster topic. */
  private static String key(ClusterMember m) {
    return StepKeys.clusterMember(m.getStep(), m.getCluster(), m.getSampleId());
  }

  private static ClusterMember member(Sample s, int cluster, boolean fresh) {
    SampleScores sc = TestData.scores(TestData.request(1, TopologyHarness.MODEL, s, fresh));
    return ClusterMember.newBuilder().setStep(1).setCluster(cluster).setSampleId(s.getId()).setFresh(fresh)
        .setEmbedding(sc.getEmbedding()).setPerplexity(sc.getPerplexity()).setEl2n(sc.getEl2n())
        .setEntropy(sc.getEntropy()).setGrounding(sc.getGrounding()).setGrand(sc.getGrand()).setSample(s).build();
  }

  private static Member algoMember(ClusterMember m) {
    float[] e = new float[m.getEmbedding().size()];
    for (int i = 0; i < e.length; i++) {
      e[i] = m.getEmbedding().get(i);
    }
    return Member.of(m.getSampleId(), m.getFresh(), null, e, m.getPerplexity(), m.getEl2n(), m.getEntropy(),
        m.getGrounding(), m.getGrand());
  }
}
