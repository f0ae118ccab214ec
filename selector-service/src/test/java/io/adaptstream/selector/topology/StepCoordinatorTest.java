package io.adaptstream.selector.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.adaptstream.avro.Coordination;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.PartitionSealed;
import io.adaptstream.avro.PoolControl;
import io.adaptstream.avro.StepPhase;
import io.adaptstream.avro.StepProgress;
import io.adaptstream.avro.StepStart;
import io.adaptstream.avro.StepStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step coordinator: a step starts once, in order, when its release is sealed everywhere and its model exists. */
class StepCoordinatorTest {

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
  void shouldStartAStepOnlyWhenItsReleaseIsSealedOnEveryPartitionAndThePreviousModelExists() throws Exception {
    // given
    h = new TopologyHarness(stateDir, Map.of());
    h.publishModel(0);
    sealed("r1", 1, 0, 3);
    sealed("r1", 1, 1, 3);
    assertThat(starts()).as("two of three partitions sealed").isEmpty();

    // when
    sealed("r1", 1, 2, 3);

    // then
    assertThat(starts()).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(1);
      assertThat(s.getModelVersion()).isZero();
      assertThat(s.getModel()).isEqualTo(TopologyHarness.MODEL);
    });
  }

  @Test
  void shouldWaitForTheLastStepToBeDoneEvenWhenTheNextModelAlreadyExists() throws Exception {
    // given
    h = new TopologyHarness(stateDir, Map.of());
    for (int p = 0; p < 3; p++) {
      sealed("r1", 1, p, 3);
      sealed("r2", 2, p, 3);
    }
    h.publishModel(0);
    h.publishModel(1);
    assertThat(starts()).extracting(StepStart::getStep).containsExactly(1);

    // when
    for (int p = 0; p < 3; p++) {
      assertThat(starts()).as("step 1 not done on every selector partition").isEmpty();
      h.pipe(h.catalogue.coordination, "p", new Coordination(StepProgress.newBuilder().setStep(1)
          .setPhase(StepPhase.SELECTION_DONE).setSource(p).setSources(3).setAtMs(5).setRecords(10).setSelected(3)
          .build()));
    }

    // then
    assertThat(starts()).extracting(StepStart::getStep).containsExactly(2);
  }

  @Test
  void shouldKeepEverySelectorPartitionsDiagnosticsAsTheirSelectedAndPrunedCounts() throws Exception {
    // given step 1 started
    h = new TopologyHarness(stateDir, Map.of());
    for (int p = 0; p < 3; p++) {
      sealed("r1", 1, p, 3);
    }
    h.publishModel(0);

    // when each of three selector partitions reports
    for (int p = 0; p < 3; p++) {
      h.pipe(h.catalogue.coordination, "p", new Coordination(StepProgress.newBuilder().setStep(1)
          .setPhase(StepPhase.SELECTION_DONE).setSource(p).setSources(3).setAtMs(5).setRecords(10).setSelected(3)
          .setPruned(4).setPrunedFresh(p).setPickPercentileSum(0.5 * p).setPickPercentileCount(3).build()));
    }

    // then
    StepStatus status = h.driver.<String, StepStatus>getKeyValueStore(SelectorTopology.STEPS_STORE)
        .get(StepKeys.step(1));
    assertThat(status.getSelectionDoneAtMs()).isEqualTo(5);
    assertThat(status.getPrunedFresh()).containsOnly(entry("0", 0L), entry("1", 1L), entry("2", 2L));
    assertThat(status.getPickPercentileSum()).containsOnly(entry("0", 0.0), entry("1", 0.5), entry("2", 1.0));
    assertThat(status.getPickPercentileCount()).containsOnly(entry("0", 3L), entry("1", 3L), entry("2", 3L));
  }

  @Test
  void shouldIgnoreVersionsOfOtherModels() throws Exception {
    // given
    h = new TopologyHarness(stateDir, Map.of());
    sealed("r1", 1, 0, 1);

    // when
    h.pipe(h.catalogue.models, "other@0", ModelVersion.newBuilder().setModel("other").setVersion(0).setUri("u")
        .setSha256("0").setConfig("{}").build());

    // then
    assertThat(starts()).isEmpty();
  }

  private void sealed(String release, int sequence, int partition, int partitions) {
    h.pipe(h.catalogue.coordination, release, new Coordination(new PartitionSealed(release, sequence, partition,
        partitions, 4L, 4L, 4L, 0L)));
  }

  private List<StepStart> starts() {
    return h.read(h.catalogue.poolControl).stream().map(PoolControl::getPayload)
        .filter(StepStart.class::isInstance).map(StepStart.class::cast).toList();
  }
}
