package io.adaptstream.cli.run.continual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class AccuracyMatrixTest {

  private static final Offset<Double> EPS = within(1e-12);
  private static final double NAN = Double.NaN;

  /** Three tasks brought by steps 1, 2, 3; rows are versions 0..3 (worked by hand in the comments). */
  private static AccuracyMatrix threeTasks() {
    return new AccuracyMatrix(List.of("A", "B", "C"), new int[] {1, 2, 3}, new double[][] {
        {0.10, 0.20, 0.30},
        {0.80, 0.25, 0.30},
        {0.60, 0.90, 0.40},
        {0.50, 0.70, 0.95}});
  }

  @Test
  void shouldComputeBackwardTransferAsTheFinalMinusJustLearnedWhenTasksCameInOneAStep() {
    // BWT = ((0.5 - 0.8) + (0.7 - 0.9)) / 2; C came in at the last step and does not count
    assertThat(threeTasks().backwardTransfer()).isCloseTo(-0.25, EPS);
  }

  @Test
  void shouldComputeForwardTransferAgainstTheBaseModelFromTheSecondTaskOnWhenTasksCameInOneAStep() {
    // FWT = ((R[1][B] - R[0][B]) + (R[2][C] - R[0][C])) / 2 = ((0.25 - 0.2) + (0.4 - 0.3)) / 2; A came in at
    // step 1, where the model before it is the base model itself (a term 0 by construction)
    assertThat(threeTasks().forwardTransfer()).isCloseTo(0.075, EPS);
  }

  @Test
  void shouldAverageOnlyTheColumnsTaughtSoFarWhenReportingAccuracyAfterEachStep() {
    double[] avg = threeTasks().averageAccuracy();
    // version 0 has been taught none of the three: no average
    assertThat(avg[0]).isNaN();
    assertThat(avg[1]).isCloseTo(0.80, EPS);
    assertThat(avg[2]).isCloseTo(0.75, EPS);
    assertThat(avg[3]).isCloseTo((0.5 + 0.7 + 0.95) / 3, EPS);
  }

  @Test
  void shouldMeasureForgettingFromTheBestEarlierAccuracyWhenAColumnDeclined() {
    AccuracyMatrix m = threeTasks();
    // A: best of versions 1..2 is 0.8, final 0.5; B: best of version 2 is 0.9, final 0.7; C: nothing yet
    assertThat(m.forgetting().get("A")).isCloseTo(0.3, EPS);
    assertThat(m.forgetting().get("B")).isCloseTo(0.2, EPS);
    assertThat(m.forgetting().get("C")).isNaN();
    assertThat(m.meanForgetting()).isCloseTo(0.25, EPS);
  }

  @Test
  void shouldCountTheBaseModelsSkillsInBackwardButNotForwardTransferWhenAColumnWasPretrained() {
    // given a skill the base model was trained on (introduced at 0) and one brought by step 1
    AccuracyMatrix m = new AccuracyMatrix(List.of("pre", "new"), new int[] {0, 1}, new double[][] {
        {0.9, 0.1},
        {0.7, 0.8},
        {0.6, 0.85}});
    // then BWT = ((0.6 - 0.9) + (0.85 - 0.8)) / 2, and no FWT: nothing came in after step 1
    assertThat(m.backwardTransfer()).isCloseTo(-0.125, EPS);
    assertThat(m.forwardTransfer()).isNaN();
    assertThat(m.averageAccuracy()[0]).isCloseTo(0.9, EPS);
    assertThat(m.forgetting().get("pre")).isCloseTo(0.3, EPS);
  }

  @Test
  void shouldSkipCellsThatWereNotEvaluatedWhenAveraging() {
    // given version 2 was not evaluated on B
    AccuracyMatrix m = new AccuracyMatrix(List.of("A", "B"), new int[] {1, 1}, new double[][] {
        {0.0, 0.0},
        {0.5, 0.7},
        {0.4, NAN}});
    // then B contributes nothing at version 2, and A alone gives the averages
    assertThat(m.averageAccuracy()[2]).isCloseTo(0.4, EPS);
    assertThat(m.backwardTransfer()).isCloseTo(-0.1, EPS);
    assertThat(m.forgetting().get("B")).isNaN();
  }

  @Test
  void shouldComputeTheMetricsOfASkillGroupOnItsColumnsAloneWhenRestricted() {
    AccuracyMatrix group = threeTasks().restrictTo(List.of("C", "A"));
    // kept in the matrix's own order
    assertThat(group.columns()).containsExactly("A", "C");
    assertThat(group.backwardTransfer()).isCloseTo(-0.3, EPS);
    assertThat(group.forwardTransfer()).isCloseTo(0.1, EPS);
  }

  @Test
  void shouldBuildFromPerVersionMapsWithMissingCellsAsNotEvaluatedWhenGivenByName() {
    Map<String, Integer> intro = new LinkedHashMap<>();
    intro.put("x", 1);
    intro.put("y", 1);
    AccuracyMatrix m = AccuracyMatrix.of(List.of(Map.of("x", 0.2), Map.of("x", 0.6, "y", 0.4)), intro);
    assertThat(m.accuracy(0, 1)).isNaN();
    assertThat(m.accuracy(1, 1)).isEqualTo(0.4);
    assertThat(m.summary()).isEqualTo(m.summary());
  }

  @Test
  void shouldRefuseAMatrixThatCannotBeReadWhenItsShapeOrValuesAreWrong() {
    assertThatThrownBy(() -> new AccuracyMatrix(List.of("A"), new int[] {1}, new double[][] {{0.1, 0.2}}))
        .hasMessageContaining("row 0 has 2 cells for 1 columns");
    assertThatThrownBy(() -> new AccuracyMatrix(List.of("A"), new int[] {2}, new double[][] {{0.1}, {0.2}}))
        .hasMessageContaining("introduced at step 2, outside 0..1");
    assertThatThrownBy(() -> new AccuracyMatrix(List.of("A"), new int[] {0}, new double[][] {{1.5}}))
        .hasMessageContaining("outside [0, 1]");
    assertThatThrownBy(() -> new AccuracyMatrix(List.of(), new int[0], new double[0][]))
        .hasMessageContaining("version 0");
  }
}
