package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.adaptstream.cli.run.SampleHistory;
import io.adaptstream.selector.query.ProvenanceView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code adapt explain}: how a sample's history reads, as text and as JSON (no broker: the history is given). */
class ExplainCommandTest {

  private static final String ID = "a".repeat(64);
  private static final String ORIGINAL = "b".repeat(64);
  private static final String NEAREST = "c".repeat(64);

  @TempDir
  Path tmp;

  @Test
  void shouldTellWhereTheSampleCameFromAndWhatEachStepDidWhenItWasSelectedThenPruned() {
    // given: selected at step 1, pruned as a near-duplicate at step 2
    SampleHistory history = new SampleHistory("r2", ID, Optional.of(new SampleHistory.Origin("r1-llava-mix", "17",
        "TRAIN", "colour", "adapt.ingest", 1, 42)), List.of(
            step(1, true, "selected: CCS stratum 3 of 6 (1 of its 4 drawn)", 3, 0.42, null, null),
            step(2, false, "not drawn: CCS stratum 0 of 6 (1 of its 5 drawn)", 0, 0.998, "near-duplicate",
                ORIGINAL)));

    // when
    String text = text(history);

    // then
    assertThat(text.lines().toList()).containsSubsequence(
        "sample " + ID + " (run r2)",
        "  published   release r1-llava-mix, entry 17 (train, skill colour), adapt.ingest-1@42",
        "  step 1      scored by adapt-vlm v0: el2n 0.4100, perplexity 12.30 (new release)",
        "              cluster 2 (40 members, distance to centroid 0.512); scorer el2n (entropy bits: el2n* 4.20, "
            + "perplexity 3.91)",
        "              selected: CCS stratum 3 of 6 (1 of its 4 drawn) (el2n 0.4100)",
        "              kept in the pool (max cosine 0.420 to " + NEAREST + ")",
        "  step 2      scored by adapt-vlm v1: el2n 0.4100, perplexity 12.30 (new release)",
        "              pruned for good: near-duplicate of " + ORIGINAL + " (max cosine 0.998 to " + NEAREST + ")",
        "  left the pool for good at step 2");
  }

  @Test
  void shouldNameTheKeepBudgetWhenASampleIsPrunedOverTheCap() {
    // given
    SampleHistory history = new SampleHistory("default", ID, Optional.empty(),
        List.of(step(4, false, "not selected: el2n score outside the trimmed range [0.1, 0.9]", -1, 0.87,
            "over-cap", NEAREST)));

    // when
    String text = text(history);

    // then
    assertThat(text).contains("  published   not found in the ingest log")
        .contains("not selected: el2n score outside the trimmed range [0.1, 0.9]")
        .contains("pruned for good: over the cluster's keep budget of 25, among its most redundant (max cosine "
            + "0.870 to " + NEAREST + ")");
  }

  @Test
  void shouldSayTheSelectorNeverDecidedItWhenTheRunHasNoRecordOfIt() {
    // given
    SampleHistory history = new SampleHistory("default", ID, Optional.of(new SampleHistory.Origin("r0", "3",
        "TEST", null, "adapt.ingest", 0, 7)), List.of());

    // when
    String text = text(history);

    // then
    assertThat(text).contains("entry 3 (test), adapt.ingest-0@7").contains("never decided it in run default");
  }

  @Test
  void shouldPrintOneJsonObjectWithEveryStepsRecordWhenAskedForJson() throws Exception {
    // given
    SampleHistory history = new SampleHistory("r2", ID, Optional.of(new SampleHistory.Origin("r1", "17", "TRAIN",
        null, "adapt.ingest", 1, 42)), List.of(step(2, false, "not drawn", 0, 0.998, "near-duplicate", ORIGINAL)));

    // when
    JsonNode json = StatusJsonOption.JSON.readTree(StatusJsonOption.JSON.writeValueAsString(
        ExplainCommand.toJson(history)));

    // then
    assertThat(json.get("sampleId").asText()).isEqualTo(ID);
    assertThat(json.get("origin").get("offset").asLong()).isEqualTo(42);
    assertThat(json.get("steps")).hasSize(1);
    JsonNode step = json.get("steps").get(0);
    assertThat(step.get("step").asInt()).isEqualTo(2);
    assertThat(step.get("pruneReason").asText()).isEqualTo("near-duplicate");
    assertThat(step.get("duplicateOf").asText()).isEqualTo(ORIGINAL);
    assertThat(step.get("entropies").get("el2n").asDouble()).isEqualTo(4.2);
  }

  @Test
  void shouldDocumentItsOptionsAndSayWhereToFindTheSystemWhenNothingRuns() {
    // when
    CliRun help = CliRun.of("explain", "--help");
    CliRun run = CliRun.of("explain", ID, "--data-dir", tmp.toString());

    // then
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("SAMPLE_ID", "--run=RUN", "--json", "--data-dir=DIR", "--bootstrap-servers");
    assertThat(CliRun.of("--help").out()).containsPattern("(?m)^  explain\\s+\\S.*$");
    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_FAILURE);
    assertThat(run.err()).contains("local mode is not running in " + tmp);
  }

  private static String text(SampleHistory history) {
    StringWriter out = new StringWriter();
    ExplainCommand.print(new PrintWriter(out, true), history);
    return out.toString();
  }

  private static ProvenanceView step(int step, boolean selected, String selection, int stratum, double redundancy,
      String pruneReason, String duplicateOf) {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("el2n", 0.41);
    scores.put("perplexity", 12.3);
    Map<String, Double> entropies = new LinkedHashMap<>();
    entropies.put("el2n", 4.2);
    entropies.put("perplexity", 3.91);
    return new ProvenanceView(step, ID, "r1-llava-mix", "17", "colour", true, "adapt-vlm", step - 1, scores, 2,
        0.512, 40, 6, 25, "el2n", entropies, 0.41, true, stratum, 6, selected, selection, redundancy, NEAREST,
        pruneReason != null, pruneReason, duplicateOf);
  }
}
