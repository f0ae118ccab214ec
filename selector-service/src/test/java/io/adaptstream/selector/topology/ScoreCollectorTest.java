package io.adaptstream.selector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.ReservoirEntry;
import io.adaptstream.avro.ReservoirEvent;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.ScoreRequest;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.selector.TestData;
import io.adaptstream.selector.algo.Reservoir;
import io.adaptstream.selector.algo.Seeds;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The score collector's barrier and reservoir slice. */
class ScoreCollectorTest {

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
  void shouldSendItsBottomKSliceOnlyOnceEveryScoringSourcesMarkerIsIn() throws Exception {
    // given
    h = new TopologyHarness(stateDir, Map.of("selector.reservoir", "16"));
    List<Sample> r1 = TestData.release("r1", 40, 0, 1);
    h.publish("r1", 1, r1);
    h.publishModel(0);
    List<ScoreRequest> requests = scoreEverything();

    // when: three scoring sources; this partition's data came from source 0
    marker(0, requests.size(), 3, 0);
    marker(1, 0, 3, 0);
    List<ReservoirEvent> beforeLast = h.read(h.catalogue.reservoir);
    marker(1, 0, 3, 0); // a repeated marker changes nothing
    marker(2, 0, 3, 2); // addressed to another partition: dead-lettered, not counted
    List<ReservoirEvent> beforeLastSource = h.read(h.catalogue.reservoir);
    marker(2, 0, 3, 0);

    // then
    assertThat(beforeLast).isEmpty();
    assertThat(beforeLastSource).isEmpty();
    Reservoir<String> expected = new Reservoir<>(16, Seeds.forReservoir(h.config.seed()));
    requests.forEach(r -> expected.offer(r.getSample().getId(), "x"));
    List<ReservoirEvent> slice = h.read(h.catalogue.reservoir);
    assertThat(slice.subList(0, 16)).extracting(e -> ((ReservoirEntry) e.getPayload()).getSampleId())
        .containsExactlyElementsOf(expected.ids());
    Map<String, ScoreRequest> byId = new java.util.HashMap<>();
    requests.forEach(r -> byId.put(r.getSample().getId(), r));
    assertThat(slice.subList(0, 16)).allSatisfy(e -> { // the packed copy is the scored sketch, float for float
      ReservoirEntry entry = (ReservoirEntry) e.getPayload();
      assertThat(Vectors.unpack(entry.getSketch()))
          .containsExactly(Vectors.toArray(TestData.scores(byId.get(entry.getSampleId())).getSketch()));
    });
    assertThat(slice.get(16).getPayload()).isInstanceOfSatisfying(StepMarker.class,
        m -> assertThat(m.getCount()).isEqualTo(16));
    h.drainOutputs();
    assertThat(h.deadLetters).extracting(DeadLetter::getReason).containsExactly("misrouted");
  }

  @Test
  void shouldDeadLetterASecondScoreOfTheSameSampleAndCountIt() throws Exception {
    // given
    h = new TopologyHarness(stateDir, Map.of());
    h.publish("r1", 1, TestData.release("r1", 10, 0, 1));
    h.publishModel(0);
    List<ScoreRequest> requests = scoreEverything();

    // when
    h.pipe(h.catalogue.scores, "again", new ScoresEvent(TestData.scores(requests.get(3))));
    marker(0, requests.size() + 1, 1, 0);

    // then
    h.drainOutputs();
    assertThat(h.deadLetters).extracting(DeadLetter::getReason).containsExactly("duplicate");
    assertThat(h.selections(1)).isNotEmpty();
  }

  private List<ScoreRequest> scoreEverything() {
    List<ScoreRequest> requests = h.takeRequests().stream().map(ScoreRequestEvent::getPayload)
        .filter(ScoreRequest.class::isInstance).map(ScoreRequest.class::cast).toList();
    requests.forEach(r -> h.pipe(h.catalogue.scores, r.getSample().getId(), new ScoresEvent(TestData.scores(r))));
    return requests;
  }

  private void marker(int source, long count, int sources, int target) {
    h.pipe(h.catalogue.scores, StepKeys.marker(1, source), new ScoresEvent(StepMarker.newBuilder().setStep(1)
        .setSourcePartition(source).setCount(count).setSourcePartitions(sources).setTargetPartition(target).build()));
  }
}
