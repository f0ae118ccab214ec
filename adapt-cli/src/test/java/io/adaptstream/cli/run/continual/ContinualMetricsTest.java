package io.adaptstream.cli.run.continual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.cli.run.continual.VersionEval.Incoming;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ContinualMetricsTest {

  private static final Offset<Double> EPS = within(1e-12);

  /**
   * A base model trained on {@code cap.a} (release pre), then release r1 bringing {@code vqa.b} and r2 bringing
   * {@code vqa.c}; the incoming evaluations fill the cells before each skill came in.
   */
  private static List<VersionEval> threeVersions() {
    VersionEval v0 = new VersionEval(0, Map.of("cap.a", 0.9), Map.of("pre", 0.9), null);
    VersionEval v1 = new VersionEval(1, Map.of("cap.a", 0.8, "vqa.b", 0.6), Map.of("pre", 0.8, "r1", 0.6),
        new Incoming("r1", Map.of("vqa.b", 0.1), 0.1, Map.of("vqa.b", 0.1), 0.1));
    // r2 also holds vqa.b: its incoming value (0.55) is no cell of the matrix, version 1's own value is
    VersionEval v2 = new VersionEval(2, Map.of("cap.a", 0.7, "vqa.b", 0.5, "vqa.c", 0.9),
        Map.of("pre", 0.7, "r1", 0.5, "r2", 0.9),
        new Incoming("r2", Map.of("vqa.c", 0.3, "vqa.b", 0.55), 0.35, Map.of("vqa.c", 0.2, "vqa.b", 0.4), 0.25));
    return List.of(v0, v1, v2);
  }

  private static List<List<Double>> rows(Double[]... rows) {
    return Arrays.stream(rows).map(Arrays::asList).toList();
  }

  @Test
  void shouldFillTheCellsBeforeAColumnCameInFromTheIncomingEvaluationWhenBuildingTheSkillMatrix() {
    ContinualMetrics m = ContinualMetrics.from(threeVersions());

    assertThat(m.versions()).containsExactly(0, 1, 2);
    assertThat(m.skills().columns()).containsExactly("cap.a", "vqa.b", "vqa.c");
    assertThat(m.skills().introducedAt()).containsExactly(0, 1, 2);
    assertThat(m.skills().accuracy()).isEqualTo(rows(
        new Double[] {0.9, 0.1, 0.2},
        new Double[] {0.8, 0.6, 0.3},
        new Double[] {0.7, 0.5, 0.9}));
  }

  @Test
  void shouldComputeForgettingAndBothTransfersExactlyWhenReadFromTheSkillMatrix() {
    ContinualMetrics.Metrics s = ContinualMetrics.from(threeVersions()).skills().metrics();

    // average after each step: v0 on cap.a; v1 on cap.a and vqa.b; v2 on all three
    assertThat(s.averageAccuracy().get(0)).isCloseTo(0.9, EPS);
    assertThat(s.averageAccuracy().get(1)).isCloseTo(0.7, EPS);
    assertThat(s.averageAccuracy().get(2)).isCloseTo(0.7, EPS);
    // forgetting: cap.a max(0.9, 0.8) - 0.7; vqa.b 0.6 - 0.5; vqa.c came in at the last step
    assertThat(s.forgetting().get("cap.a")).isCloseTo(0.2, EPS);
    assertThat(s.forgetting().get("vqa.b")).isCloseTo(0.1, EPS);
    assertThat(s.forgetting()).containsEntry("vqa.c", null);
    assertThat(s.meanForgetting()).isCloseTo(0.15, EPS);
    // BWT = ((0.7 - 0.9) + (0.5 - 0.6)) / 2; FWT = R[1][vqa.c] - R[0][vqa.c] (vqa.b came in at step 1)
    assertThat(s.backwardTransfer()).isCloseTo(-0.15, EPS);
    assertThat(s.forwardTransfer()).isCloseTo(0.1, EPS);
  }

  @Test
  void shouldComputeTheReleaseMatrixFromPerReleaseAccuracyAndTheIncomingMeansWhenReleasesAreColumns() {
    ContinualMetrics.Matrix r = ContinualMetrics.from(threeVersions()).releases();

    assertThat(r.columns()).containsExactly("pre", "r1", "r2");
    assertThat(r.accuracy()).isEqualTo(rows(
        new Double[] {0.9, 0.1, 0.25},
        new Double[] {0.8, 0.6, 0.35},
        new Double[] {0.7, 0.5, 0.9}));
    assertThat(r.metrics().backwardTransfer()).isCloseTo(-0.15, EPS);
    assertThat(r.metrics().forwardTransfer()).isCloseTo(0.35 - 0.25, EPS);
  }

  @Test
  void shouldGiveEachSkillGroupTheMetricsOfItsOwnColumnsWhenGrouped() {
    Map<String, ContinualMetrics.Metrics> groups = ContinualMetrics.from(threeVersions()).skillGroups();

    assertThat(groups).containsOnlyKeys("cap", "vqa");
    assertThat(groups.get("cap").backwardTransfer()).isCloseTo(-0.2, EPS);
    assertThat(groups.get("cap").forwardTransfer()).isNull();
    assertThat(groups.get("vqa").backwardTransfer()).isCloseTo(-0.1, EPS);
    assertThat(groups.get("vqa").forwardTransfer()).isCloseTo(0.1, EPS);
    assertThat(groups.get("vqa").averageAccuracy().get(0)).isNull();
  }

  @Test
  void shouldLeaveCellsEmptyAndTransferUnknownWhenNoIncomingEvaluationWasRecorded() {
    // given the same versions without their incoming parts (records written before them, or the switch off)
    List<VersionEval> plain = threeVersions().stream()
        .map(v -> new VersionEval(v.version(), v.accuracy(), v.releaseAccuracy(), null)).toList();

    ContinualMetrics m = ContinualMetrics.from(plain);

    assertThat(m.skills().accuracy().get(0)).containsExactly(0.9, null, null);
    assertThat(m.skills().metrics().forwardTransfer()).isNull();
    assertThat(m.skills().metrics().backwardTransfer()).isCloseTo(-0.15, EPS);
  }

  @Test
  void shouldWriteNotEvaluatedCellsAsNullAndReadBackTheSameMetricsWhenSerialised() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ContinualMetrics m = ContinualMetrics.from(threeVersions());

    String text = json.writeValueAsString(m);
    JsonNode tree = json.readTree(text);
    ContinualMetrics back = json.readValue(text, ContinualMetrics.class);

    assertThat(text).doesNotContain("NaN");
    assertThat(tree.at("/skills/metrics/forgetting/vqa.c").isNull()).isTrue();
    assertThat(tree.at("/skills/accuracy").size()).isEqualTo(3);
    assertThat(back).isEqualTo(m);
    assertThat(back.skills().toAccuracyMatrix().summary()).isEqualTo(
        m.skills().toAccuracyMatrix().summary());
  }

  @Test
  void shouldRefuseEvaluationsThatAreNotVersionsZeroToTInOrderWhenBuilding() {
    List<VersionEval> v = threeVersions();
    assertThatThrownBy(() -> ContinualMetrics.from(List.of(v.get(0), v.get(2))))
        .hasMessageContaining("is of version 2");
    assertThatThrownBy(() -> ContinualMetrics.from(List.of())).hasMessageContaining("no version");
  }
}
