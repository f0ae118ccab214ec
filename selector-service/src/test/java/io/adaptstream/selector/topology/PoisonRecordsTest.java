package io.adaptstream.selector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.PoolDeletion;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Selection;
import io.adaptstream.schemas.Topic;
import io.adaptstream.selector.ReferenceRun;
import io.adaptstream.selector.TestData;
import io.adaptstream.selector.algo.ClusterDecision;
import io.adaptstream.selector.algo.StepPlanner;
import io.adaptstream.testing.PoisonBytes;
import io.adaptstream.testing.PoisonRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison on every topic the selector reads (undeserialisable bytes, an unknown schema id, a record of a step
 * that does not exist), injected while a step runs: one dead letter each, and the run's selections unchanged.
 */
class PoisonRecordsTest {

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
  void shouldDeadLetterEveryPoisonRecordOnceAndSelectAsACleanRunWhenPoisonHitsEveryInputTopic() throws Exception {
    // given a two-step run and its reference plan
    h = new TopologyHarness(stateDir, SETTINGS);
    List<Sample> r1 = TestData.release("r1", 100, 8, 2);
    List<Sample> r2 = TestData.release("r2", 70, 6, 3);
    ReferenceRun reference = new ReferenceRun(h.config);
    reference.addRelease(1, r1);
    reference.addRelease(2, r2);
    h.publish("r0", 0, TestData.release("r0", 20, 0, 1));
    h.publish("r1", 1, r1);
    h.publish("r2", 2, r2);
    h.publishModel(0);

    // when poison reaches every input topic while step 1 waits for its scores, and again before step 2
    Map<String, String> expected = new LinkedHashMap<>(); // key -> "<topic> <reason>"
    inject("a", r1.get(0), expected);
    h.answerRequests(1, List.of(), TestData::scores);
    h.drainOutputs();
    inject("b", r1.get(1), expected);
    h.publishModel(1);
    h.answerRequests(2, List.of(), TestData::scores);
    h.drainOutputs();

    // then every poison record has exactly one dead letter, with where it came from, and nothing else does
    Map<String, List<DeadLetter>> byKey = h.deadLetters.stream()
        .collect(Collectors.groupingBy(dl -> StandardCharsets.UTF_8.decode(dl.getKey()).toString()));
    assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    byKey.forEach((key, letters) -> assertThat(letters).as(key).singleElement().satisfies(dl -> {
      assertThat(dl.getSourceTopic() + " " + dl.getReason()).isEqualTo(expected.get(key));
      assertThat(dl.getSourceOffset()).isNotNegative();
      assertThat(dl.getService()).isEqualTo("selector");
    }));
    assertThat(h.deadLetters).extracting(dl -> dl.getSourceTopic() + "@" + dl.getSourceOffset())
        .doesNotHaveDuplicates();
    assertThat(expected.values()).extracting(v -> v.split(" ")[1]).contains("undeserialisable", "unknown_schema",
        "unknown_step");
    // and both steps select and prune exactly as without the poison
    assertSameAsReference(1, reference.step(1));
    assertSameAsReference(2, reference.step(2));
  }

  private void inject(String round, Sample sample, Map<String, String> expected) {
    List<Topic<?>> topics = List.of(h.catalogue.ingest, h.catalogue.poolControl, h.catalogue.scores,
        h.catalogue.centroids, h.catalogue.coordination, h.catalogue.models, h.catalogue.reservoir,
        h.catalogue.byCluster);
    Map<String, byte[]> kinds = Map.of("json", PoisonBytes.notWireFormat(), "short", PoisonBytes.tooShort());
    for (Topic<?> topic : topics) {
      String prefix = "poison-" + round + "-" + topic.logical();
      kinds.forEach((kind, bytes) -> pipe(topic, prefix + "-" + kind, bytes, "undeserialisable", expected));
      pipe(topic, prefix + "-schema", PoisonBytes.unknownSchema(), "unknown_schema", expected);
      PoisonRecords.unknownStep(h.catalogue, topic, prefix, sample, TopologyHarness.MODEL).forEach(
          (key, value) -> pipe(topic, key, bytesOf(topic, value), "unknown_step", expected));
    }
  }

  private byte[] bytesOf(Topic<?> topic, SpecificRecord value) {
    return h.bytes(topic.name(), value);
  }

  private void pipe(Topic<?> topic, String key, byte[] value, String reason, Map<String, String> expected) {
    h.pipeBytes(topic, key, value);
    expected.put(key, topic.name() + " " + reason);
  }

  private void assertSameAsReference(int step, StepPlanner.StepPlan plan) {
    Function<Selection, String> scored = s -> s.getScorer() + "@" + s.getScore();
    Map<String, String> want = plan.selected().stream()
        .collect(Collectors.toMap(ClusterDecision.Selected::id, s -> s.scorer() + "@" + s.score()));
    assertThat(h.selections(step).stream().collect(Collectors.toMap(Selection::getSampleId, scored)))
        .as("selections of step %d", step).isEqualTo(want);
    assertThat(h.deletions(step).stream().map(PoolDeletion::getSampleId).sorted().toList())
        .as("deletions of step %d", step).isEqualTo(List.copyOf(plan.prunedIds()));
  }
}
