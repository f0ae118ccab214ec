package io.adaptstream.cli.run.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.adaptstream.avro.EvalResult;
import io.adaptstream.selector.query.StepView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoJobTest {

  @Test
  void shouldReportTheMeanPickPercentileInPercentWhenTheStepHadCcsPicks() {
    // given a step whose 4 CCS picks sum to percentile ranks of 3.4 (0..1 each)
    StepView v = step(3.4, 4);

    // then the mean percentile is 85
    assertThat(DemoJob.pickPercentile(v)).isCloseTo(85.0, within(1e-9));
  }

  @Test
  void shouldReportNoPickPercentileWhenTheStepHadNoCcsPicks() {
    assertThat(DemoJob.pickPercentile(step(0, 0))).isNull();
  }

  @Test
  void shouldKeepEachGroupsItemScoresInTestIdOrder() {
    // given an evaluation with per-sample scores of two groups
    EvalResult e = EvalResult.newBuilder().setModel("m").setVersion(2).setAvgAccuracy(0.5)
        .setAccuracy(Map.of("count", 0.5, "color", 0.5)).setSupport(Map.of("count", 2L, "color", 3L))
        .setItemScores(Map.of("count", List.of(1.0, 0.0), "color", List.of(0.0, 1.0, 0.5)))
        .build();

    // then results.json gets them per group, in the recorded order
    assertThat(DemoJob.testScores(e)).isEqualTo(Map.of("count", List.of(1.0, 0.0), "color", List.of(0.0, 1.0, 0.5)));
  }

  private static StepView step(double pickSum, long pickCount) {
    return new StepView(1, "r1", "m", 0, "done", 0, 0, 0, 0, 0, 0, 10, 5, 10, 2, 4, 1, 0, List.of(), 1, pickSum,
        pickCount);
  }
}
