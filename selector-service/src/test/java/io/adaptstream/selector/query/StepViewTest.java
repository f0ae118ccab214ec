package io.adaptstream.selector.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.StepStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The step view the CLI reads: per-partition counts of the coordinator's record, summed. */
class StepViewTest {

  @Test
  void shouldSumTheSelectorDiagnosticsOverPartitionsLikeTheSelectedAndPrunedCounts() {
    // given a step two selector partitions have reported
    StepStatus status = StepStatus.newBuilder().setStep(2).setRelease("r2").setModel("m").setModelVersion(1)
        .setStartedAtMs(1).setSelectionDoneAtMs(9).setPartitions(2)
        .setSelected(new HashMap<>(Map.of("0", 6L, "1", 4L))).setPruned(new HashMap<>(Map.of("0", 5L, "1", 7L)))
        .setPrunedFresh(new HashMap<>(Map.of("0", 2L, "1", 3L)))
        .setPickPercentileSum(new HashMap<>(Map.of("0", 2.5, "1", 1.75)))
        .setPickPercentileCount(new HashMap<>(Map.of("0", 6L, "1", 4L)))
        .setSealWarnings(List.of()).build();

    // when
    StepView view = SelectorQueries.view(status);

    // then
    assertThat(view.selected()).isEqualTo(10);
    assertThat(view.pruned()).isEqualTo(12);
    assertThat(view.prunedFresh()).isEqualTo(5);
    assertThat(view.pickPercentileSum()).isEqualTo(4.25);
    assertThat(view.pickPercentileCount()).isEqualTo(10);
    assertThat(view.phase()).isEqualTo("done");
  }

  @Test
  void shouldReadZeroDiagnosticsFromAStepRecordedBeforeTheyExisted() {
    // given a status whose diagnostics maps were never set (their defaults)
    StepStatus status = StepStatus.newBuilder().setStep(1).setRelease("r1").setModel("m").setModelVersion(0)
        .setStartedAtMs(1).setPartitions(1).setSealWarnings(List.of()).build();

    // when
    StepView view = SelectorQueries.view(status);

    // then
    assertThat(view.prunedFresh()).isZero();
    assertThat(view.pickPercentileSum()).isZero();
    assertThat(view.pickPercentileCount()).isZero();
  }
}
