package io.adaptstream.cli.run.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  @Test
  void shouldReadAResultsFileWrittenBeforeTheTestScoresAndComputeFields() throws Exception {
    // given a results.json step as written before testScores, optimizerSteps, samplePasses, prunedFresh and
    // pickPercentile existed
    String old = """
        {"runId":"adapt-s0","method":"adapt","seed":0,"steps":[{"step":1,"release":"r1","poolSize":10,"fresh":10,
        "selected":4,"pruned":2,"clusters":[{"id":0,"size":10,"scorer":"el2n","selected":4,"pruned":2,
        "skills":{"vqa.colour":10}}],"accuracy":{"vqa.colour":0.5},"avgAccuracy":0.5,
        "seconds":{"scoring":1.0,"selection":1.0,"training":1.0},"trainedSamples":4,"modelSha256":"aa"}],
        "finalAvgAccuracy":0.5,"forgetting":0.0,"seconds":3.0}""";

    // when it is read
    DemoResult r = new ObjectMapper().readValue(old, DemoResult.class);

    // then the new fields read as not recorded
    DemoResult.Step step = r.steps().get(0);
    assertThat(step.testScores()).isEmpty();
    assertThat(step.optimizerSteps()).isNull();
    assertThat(step.samplePasses()).isNull();
    assertThat(step.prunedFresh()).isNull();
    assertThat(step.pickPercentile()).isNull();
    assertThat(step.seconds().evaluation()).isZero();
    assertThat(step.selected()).isEqualTo(4);
  }

  @Test
  void shouldWriteAndReadBackTheTestScoresAndComputeFields() throws Exception {
    // given a step with every new field
    DemoResult.Step step = new DemoResult.Step(1, "r1", 10, 6, 4, 2, List.of(), Map.of("vqa.colour", 0.5), 0.5,
        new DemoResult.Seconds(1, 1, 1, 0.4), 4, "aa", List.of("id-1"), Map.of("vqa.colour", List.of(1.0, 0.0)), 30L,
        240L, 1L, 87.5);
    DemoResult r = new DemoResult("adapt-s0", "adapt", 0, List.of(step), 0.5, 0, 3);

    // when it goes through results.json
    ObjectMapper json = new ObjectMapper();
    JsonNode written = json.valueToTree(r).path("steps").get(0);
    DemoResult back = json.readValue(json.writeValueAsString(r), DemoResult.class);

    // then the fields keep their names and values (the selected ids stay out, as before)
    assertThat(written.path("testScores").path("vqa.colour").toString()).isEqualTo("[1.0,0.0]");
    assertThat(written.path("optimizerSteps").asLong()).isEqualTo(30);
    assertThat(written.path("samplePasses").asLong()).isEqualTo(240);
    assertThat(written.path("prunedFresh").asLong()).isEqualTo(1);
    assertThat(written.path("pickPercentile").asDouble()).isEqualTo(87.5);
    assertThat(written.path("seconds").path("evaluation").asDouble()).isEqualTo(0.4);
    assertThat(written.has("selectedIds")).isFalse();
    assertThat(back.steps().get(0)).isEqualTo(new DemoResult.Step(1, "r1", 10, 6, 4, 2, List.of(),
        Map.of("vqa.colour", 0.5), 0.5, new DemoResult.Seconds(1, 1, 1, 0.4), 4, "aa", List.of(),
        Map.of("vqa.colour", List.of(1.0, 0.0)), 30L, 240L, 1L, 87.5));
  }

  @Test
  void shouldLeaveUnrecordedFieldsOutOfTheJson() {
    // given a step made without the new fields
    DemoResult.Step step = new DemoResult.Step(1, "r1", 10, 6, 4, 2, List.of(), Map.of("vqa.colour", 0.5), 0.5,
        new DemoResult.Seconds(1, 1, 1, 0), 4, "aa", List.of());

    // when it is written, then the unrecorded counts are absent rather than 0
    JsonNode written = new ObjectMapper().valueToTree(step);
    assertThat(written.has("optimizerSteps")).isFalse();
    assertThat(written.has("pickPercentile")).isFalse();
    assertThat(written.path("testScores").isEmpty()).isTrue();
  }
}
