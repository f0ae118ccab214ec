package io.adaptstream.cli.run.overhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class OverheadJobTest {

  private static BareStep step(int t, BareStep.Phases pipeline, BareStep.Phases bare) {
    return new BareStep(t, 100, 20, 30, pipeline, bare, true);
  }

  @Test
  void shouldDivideThePipelinesSecondsByTheBareSecondsPerPhaseAndForTheWholeStepWhenMeasured() {
    // given a step whose pipeline took 2 s scoring, 1 s selecting, 6 s training and 1 s evaluating
    BareStep s = step(1, new BareStep.Phases(2, 1, 6, 1), new BareStep.Phases(1, 0.5, 5, 1));

    // when / then
    assertThat(s.ratios().scoring()).isEqualTo(2.0);
    assertThat(s.ratios().selection()).isEqualTo(2.0);
    assertThat(s.ratios().training()).isEqualTo(1.2);
    assertThat(s.ratios().evaluation()).isEqualTo(1.0);
    assertThat(s.totalRatio()).isCloseTo(10 / 7.5, within(1e-12));
  }

  @Test
  void shouldWeighStepsByTheirSecondsWhenSummingTheRun() {
    // given a short and a long step
    BareStep a = step(1, new BareStep.Phases(1, 0, 1, 0), new BareStep.Phases(1, 0, 1, 0));
    BareStep b = step(2, new BareStep.Phases(3, 0, 9, 0), new BareStep.Phases(1, 0, 9, 0));

    // when
    OverheadJob.Overhead o = OverheadJob.Overhead.of("r", List.of(a, b));

    // then sums over steps are divided, not ratios averaged; a phase with no bare time has no ratio
    assertThat(o.total().scoring()).isEqualTo(2.0);
    assertThat(o.total().training()).isEqualTo(1.0);
    assertThat(o.total().selection()).isNaN();
    assertThat(o.totalRatio()).isCloseTo(14.0 / 12.0, within(1e-12));
  }

  @Test
  void shouldPrintEveryStepAndTheRunAsAMarkdownTableWhenWritten() {
    // given
    OverheadJob.Overhead o = OverheadJob.Overhead.of("r", List.of(
        step(1, new BareStep.Phases(2, 1, 6, 1), new BareStep.Phases(1, 0.5, 5, 1))));

    // when
    String table = OverheadJob.table(o);

    // then
    assertThat(table).contains("| 1 | 100 | 20 | 30 | 2.00 / 1.00 = 2.00× | 1.00 / 0.50 = 2.00× |")
        .contains("10.00 / 7.50 = 1.33× | yes |").contains("| all | | | | 2.00× | 2.00× | 1.20× | 1.00× | 1.33× | |");
  }
}
