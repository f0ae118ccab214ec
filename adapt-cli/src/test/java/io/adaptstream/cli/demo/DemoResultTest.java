package io.adaptstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoResultTest {

  @Test
  void shouldMeasureForgettingAsTheMeanDropFromEachSkillsBestToItsFinalAccuracy() {
    // given skill a peaking at 0.8 and ending at 0.5, skill b only ever rising, skill c new in the last step
    List<Map<String, Double>> perStep = List.of(
        Map.of("a", 0.2),
        Map.of("a", 0.8, "b", 0.1),
        Map.of("a", 0.5, "b", 0.4, "c", 0.3));

    // when forgetting is computed
    double forgetting = DemoResult.forgetting(perStep);

    // then only a's drop counts, averaged over the three final skills
    assertThat(forgetting).isCloseTo((0.3 + 0 + 0) / 3, within(1e-12));
  }

  @Test
  void shouldReportNoForgettingWithoutSteps() {
    assertThat(DemoResult.forgetting(List.of())).isZero();
    assertThat(DemoResult.forgetting(List.of(Map.of()))).isZero();
  }
}
