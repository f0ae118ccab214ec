package io.adaptstream.selector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.PoolDeletion;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.Selection;
import io.adaptstream.avro.StepStatus;
import io.adaptstream.selector.ReferenceRun;
import io.adaptstream.selector.SelectorMetrics;
import io.adaptstream.selector.TestData;
import io.adaptstream.selector.algo.ClusterDecision;
import io.adaptstream.selector.algo.StepPlanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole two-step run through the topology, checked against the single-JVM {@link StepPlanner} reference. */
class SelectorTopologyTest {

  private static final Map<String, String> SETTINGS = Map.of("selector.budget", "30", "selector.pool.cap", "80",
      "selector.k", "3", "selector.seed", "7", "selector.reservoir", "64");

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
  void shouldSelectAndPruneExactlyAsTheSingleJvmPlannerOverTwoSteps() throws Exception {
    // given
    h = new TopologyHarness(stateDir, SETTINGS);
    List<Sample> pretrain = TestData.release("r0", 20, 0, 1);
    List<Sample> r1 = TestData.release("r1", 100, 8, 2);
    List<Sample> r2 = TestData.release("r2", 70, 6, 3);
    ReferenceRun reference = new ReferenceRun(h.config);
    reference.addRelease(1, r1);
    reference.addRelease(2, r2);
    h.publish("r0", 0, pretrain);
    h.publish("r1", 1, r1);
    h.publish("r2", 2, r2);

    // when
    h.publishModel(0);
    List<?> step1Requests = h.answerRequests(1, List.of(), TestData::scores);
    h.drainOutputs();
    h.publishModel(1);
    List<?> step2Requests = h.answerRequests(2, List.of(), TestData::scores);
    h.drainOutputs();
    List<io.adaptstream.avro.SampleProvenance> provenance = h.read(h.catalogue.provenance);

    // then
    StepPlanner.StepPlan plan1 = reference.step(1);
    StepPlanner.StepPlan plan2 = reference.step(2);
    assertThat(step1Requests).hasSize(100);
    assertThat(step2Requests).hasSize(80 + 70);
    assertSameAsReference(1, plan1);
    assertSameAsReference(2, plan2);
    assertThat(h.selections(1)).hasSize(30);
    assertThat(h.deletions(1)).hasSize(20);
    assertThat(h.deadLetters).isEmpty();
    KeyValueStore<String, StepStatus> steps = h.driver.getKeyValueStore(SelectorTopology.STEPS_STORE);
    StepStatus status = steps.get(StepKeys.step(2));
    assertThat(status.getSelectionDoneAtMs()).isGreaterThanOrEqualTo(status.getStartedAtMs());
    assertThat(status.getRequested()).containsEntry("0", 150L);
    assertThat(status.getFresh()).containsEntry("0", 70L);
    // and every scored sample's provenance, scored by version t-1, placed by the fitted centroids
    assertThat(provenance).hasSize(100 + 150);
    assertThat(provenance).filteredOn(p -> p.getStep() == 2).hasSize(150)
        .allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(1))
        .allSatisfy(p -> assertThat(p.getCentroidDistance()).isBetween(0.0, 2.0));
    assertThat(provenance).filteredOn(p -> p.getStep() == 1 && p.getPruned())
        .extracting(io.adaptstream.avro.SampleProvenance::getSampleId)
        .containsExactlyInAnyOrderElementsOf(h.deletions(1).stream().map(d -> d.getSampleId()).toList());
    assertThat(provenance).filteredOn(p -> p.getStep() == 2 && p.getSelected())
        .extracting(io.adaptstream.avro.SampleProvenance::getSampleId)
        .containsExactlyInAnyOrderElementsOf(h.selections(2).stream().map(x -> x.getSampleId()).toList());
  }

  @Test
  void shouldServeTheStepsMetersWhenAStepIsSelected() throws Exception {
    // given a release of 100 samples and one of bad scores
    h = new TopologyHarness(stateDir, SETTINGS);
    List<Sample> r1 = TestData.release("r1", 100, 8, 2);
    h.publish("r1", 1, r1);

    // when step 1 runs
    h.publishModel(0);
    h.answerRequests(1, List.of("not avro".getBytes(StandardCharsets.UTF_8)), TestData::scores);
    h.drainOutputs();
    String scrape = h.meterRegistry.scrape();

    // then the scrape has the step, its pool, clusters, selections, prunings, phases and dead letters
    assertThat(scrape)
        .contains("adapt_selector_step{service=\"selector\"} 1.0")
        .contains("adapt_selector_pool_size{service=\"selector\"} 100.0")
        .contains("adapt_selector_selected_total{service=\"selector\"} 30.0")
        .contains("adapt_selector_pruned_total{service=\"selector\"} 20.0")
        .contains("adapt_selector_clusters{service=\"selector\"} ")
        .contains("adapt_step_phase_seconds_count{phase=\"scoring\",service=\"selector\"} 1")
        .contains("adapt_step_phase_seconds_count{phase=\"clustering\",service=\"selector\"} 1")
        .contains("adapt_step_phase_seconds_count{phase=\"selection\",service=\"selector\"} 1")
        .contains("adapt_dead_letters_total{reason=\"undeserialisable\",service=\"selector\"} 1.0");
    assertThat(h.meterRegistry.get(SelectorMetrics.CLUSTERS).gauge().value()).isGreaterThanOrEqualTo(3.0);
  }

  @Test
  void shouldDeadLetterBadScoresAndStillCompleteTheStep() throws Exception {
    // given
    h = new TopologyHarness(stateDir, SETTINGS);
    List<Sample> r1 = TestData.release("r1", 60, 0, 2);
    ReferenceRun reference = new ReferenceRun(h.config);
    reference.addRelease(1, r1);
    h.publish("r1", 1, r1);
    String scoresTopic = h.catalogue.scores.name();
    SampleScores wrongStep = TestData.scores(TestData.request(5, TopologyHarness.MODEL, r1.get(0), true));
    SampleScores unknown = TestData.scores(TestData.request(1, TopologyHarness.MODEL,
        TestData.sample("elsewhere", 1, io.adaptstream.avro.Split.TRAIN, "ocr"), true));
    List<byte[]> bad = List.of("not avro".getBytes(StandardCharsets.UTF_8),
        h.bytes(scoresTopic, new ScoresEvent(wrongStep)), h.bytes(scoresTopic, new ScoresEvent(unknown)));

    // when
    h.publishModel(0);
    h.answerRequests(1, bad, TestData::scores);
    h.drainOutputs();

    // then
    assertThat(h.deadLetters).extracting(DeadLetter::getReason)
        .containsExactly("undeserialisable", "unknown_step", "unknown_sample");
    assertThat(h.deadLetters).allSatisfy(dl -> {
      assertThat(dl.getSourceTopic()).isEqualTo(scoresTopic);
      assertThat(dl.getSourcePartition()).isZero();
      assertThat(dl.getService()).isEqualTo("selector");
    });
    assertThat(h.deadLetters).extracting(DeadLetter::getSourceOffset).containsExactly(60L, 61L, 62L);
    assertSameAsReference(1, reference.step(1));
    StepStatus status = h.driver.<String, StepStatus>getKeyValueStore(SelectorTopology.STEPS_STORE)
        .get(StepKeys.step(1));
    assertThat(status.getDeadLetters()).containsEntry("scores/0", 3L);
  }

  @Test
  void shouldDeadLetterScoresOfASamplePrunedAtTheStepBefore() throws Exception {
    // given: step 1 prunes 20 samples for good, after the task read which samples the pool holds
    h = new TopologyHarness(stateDir, SETTINGS);
    List<Sample> r1 = TestData.release("r1", 100, 0, 2);
    h.publish("r1", 1, r1);
    h.publish("r2", 2, TestData.release("r2", 70, 0, 3));
    h.publishModel(0);
    h.answerRequests(1, List.of(), TestData::scores);
    h.drainOutputs();
    String pruned = h.deletions(1).get(0).getSampleId();
    Sample prunedSample = r1.stream().filter(s -> s.getId().equals(pruned)).findFirst().orElseThrow();
    SampleScores late = TestData.scores(TestData.request(2, TopologyHarness.MODEL, prunedSample, false));

    // when: step 2's scores come with scores of the pruned sample
    h.publishModel(1);
    List<io.adaptstream.avro.ScoreRequest> requested = h.answerRequests(2,
        List.of(h.bytes(h.catalogue.scores.name(), new ScoresEvent(late))), TestData::scores);
    h.drainOutputs();

    // then
    assertThat(requested).extracting(r -> r.getSample().getId()).doesNotContain(pruned);
    assertThat(h.deadLetters).extracting(DeadLetter::getReason).containsExactly("unknown_sample");
    assertThat(h.deadLetters.get(0).getDetail()).contains(pruned);
    assertThat(h.selections(2)).hasSize(30);
  }

  @Test
  void shouldKeepPretrainingAndTestSamplesOutOfThePool() throws Exception {
    // given
    h = new TopologyHarness(stateDir, SETTINGS);
    List<Sample> pretrain = TestData.release("r0", 15, 0, 1);
    List<Sample> r1 = TestData.release("r1", 25, 10, 2);

    // when
    h.publish("r0", 0, pretrain);
    h.publish("r1", 1, r1);
    h.publishModel(0);
    List<io.adaptstream.avro.ScoreRequest> requested = h.answerRequests(1, List.of(), TestData::scores);

    // then
    assertThat(requested).extracting(r -> r.getSample().getRelease()).containsOnly("r1");
    assertThat(requested).extracting(r -> r.getSample().getSplit()).containsOnly(io.adaptstream.avro.Split.TRAIN);
    assertThat(requested).hasSize(25).allSatisfy(r -> assertThat(r.getFresh()).isTrue());
  }

  private void assertSameAsReference(int step, StepPlanner.StepPlan plan) {
    Map<String, String> expected = plan.selected().stream()
        .collect(Collectors.toMap(ClusterDecision.Selected::id, s -> s.scorer() + "@" + s.score()));
    Map<String, String> actual = h.selections(step).stream()
        .collect(Collectors.toMap(Selection::getSampleId, s -> s.getScorer() + "@" + s.getScore()));
    assertThat(actual).as("selections of step %d", step).isEqualTo(expected);
    assertThat(h.selections(step)).allSatisfy(
        s -> assertThat(s.getCluster()).isEqualTo(plan.clusterOf().get(s.getSampleId())));
    assertThat(h.deletions(step).stream().map(PoolDeletion::getSampleId).sorted().toList())
        .as("deletions of step %d", step).isEqualTo(List.copyOf(plan.prunedIds()));
  }
}
