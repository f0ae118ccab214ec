package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.cli.local.LocalLayout;
import io.adaptstream.cli.local.LocalProcesses;
import io.adaptstream.testing.ModelFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code adapt demo} and {@code adapt replay} as a user runs them (child JVMs, local mode with its own broker): the
 * demo writes its results, report and charts and leaves nothing running; the replay of it reproduces it.
 */
class DemoCommandIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofMinutes(6);

  @Test
  void shouldRunTheDemoEndToEndAndReproduceItByReplay(@TempDir Path tmp) throws Exception {
    // given a small demo (2 task releases cut to 40 samples, a tiny model)
    Path run = tmp.resolve("run");
    List<String> args = new ArrayList<>(List.of("demo", "--out", run.toString(), "--tasks", "2", "--max-samples",
        "40:6", "--seed", "3", "--method", "adapt"));
    args.addAll(List.of(TinyRun.setOptions()));

    // when it runs
    CliProcess.Result demo = CliProcess.runWithHeap(tmp, TIMEOUT, "768m", args.toArray(String[]::new));

    // then it printed progress and the table, wrote every file, and stopped its services and broker
    assertThat(demo.exitCode()).as(demo.output()).isZero();
    assertThat(demo.output()).contains("dashboard        http://127.0.0.1:", "published pretrain (sequence 0)", "step 1: scoring the pool of",
        "step 2: selected", "model v2", "final average accuracy", "stopped (data kept in " + run.resolve("local"));
    assertThat(run.resolve("report.md")).content().contains("![accuracy per skill](accuracy.png)");
    for (String file : List.of("accuracy.png", "pool.png", "clusters.png", "selections.json", "run.json")) {
      assertThat(run.resolve(file)).isNotEmptyFile();
    }
    JsonNode results = JSON.readTree(run.resolve("results.json").toFile());
    assertThat(results.get("steps")).hasSize(3);
    assertThat(results.get("method").asText()).isEqualTo("adapt");
    results.get("steps").forEach(s -> s.get("accuracy").forEach(a -> assertThat(a.asDouble()).isBetween(0.0, 1.0)));
    assertThat(results.get("steps").get(2).get("clusters").get(0).get("scorer").asText()).isNotBlank();
    // the compute and the per-test-sample scores of every version, and the selector's diagnostics of each step
    results.get("steps").forEach(s -> {
      assertThat(s.get("optimizerSteps").asLong()).isPositive();
      assertThat(s.get("samplePasses").asLong()).isGreaterThanOrEqualTo(s.get("optimizerSteps").asLong());
      assertThat(s.get("testScores").size()).isEqualTo(s.get("accuracy").size()).isPositive();
    });
    assertThat(results.get("steps").get(1).has("prunedFresh")).isTrue();
    // the accuracy matrix: one row per version, one cell per column, the release columns in release order
    JsonNode matrix = results.get("matrix");
    assertThat(matrix.get("versions")).hasSize(3);
    for (String kind : List.of("skills", "releases")) {
      JsonNode m = matrix.get(kind);
      int columns = m.get("columns").size();
      assertThat(m.get("introducedAt")).hasSize(columns);
      assertThat(m.get("accuracy")).hasSize(3);
      m.get("accuracy").forEach(row -> {
        assertThat(row).hasSize(columns);
        row.forEach(a -> assertThat(a.isNull() || a.asDouble() >= 0 && a.asDouble() <= 1).as(kind + " " + a).isTrue());
      });
      assertThat(m.get("metrics").get("averageAccuracy")).hasSize(3);
      assertThat(m.get("metrics").get("backwardTransfer").isNumber()).as(kind).isTrue();
    }
    JsonNode releases = matrix.get("releases");
    assertThat(releases.get("columns")).hasSize(3);
    assertThat(releases.get("introducedAt").toString()).isEqualTo("[0,1,2]");
    // every cell is evaluated: versions t on releases up to t, and before training, t-1 and 0 on release t
    releases.get("accuracy").forEach(row -> row.forEach(a -> assertThat(a.isNumber()).isTrue()));
    assertThat(releases.get("metrics").get("forwardTransfer").isNumber()).isTrue();
    assertThat(matrix.get("skillGroups").size()).isPositive();
    assertThat(run.resolve("matrix.png")).isNotEmptyFile();
    assertThat(run.resolve("report.md")).content().contains("![accuracy matrix](matrix.png)",
        "## Continual-learning metrics");
    assertThat(JSON.readTree(run.resolve("run.json").toFile()).get("compute").asText()).isEqualTo("equal");
    LocalLayout local = LocalLayout.of(run.resolve("local"));
    assertThat(LocalProcesses.brokersOf(local)).isEmpty();
    assertThat(local.state()).doesNotExist();

    // when it is replayed
    Path replay = tmp.resolve("replay");
    CliProcess.Result again = CliProcess.runWithHeap(tmp, TIMEOUT, "768m", "replay", "--run", run.toString(), "--out",
        replay.toString());

    // then it re-ran from the log under a new run id and made the same selections with the same accuracies
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output()).contains("the ingest log holds all 3 releases");
    JsonNode replayed = JSON.readTree(replay.resolve("results.json").toFile());
    assertThat(replayed.get("runId").asText()).isNotEqualTo(results.get("runId").asText());
    assertThat(JSON.readTree(replay.resolve("selections.json").toFile()))
        .isEqualTo(JSON.readTree(run.resolve("selections.json").toFile()));
    for (int t = 0; t < 3; t++) {
      assertThat(replayed.get("steps").get(t).get("accuracy")).isEqualTo(results.get("steps").get(t).get("accuracy"));
    }
    assertThat(replayed.get("matrix").get("releases").get("accuracy")).isEqualTo(releases.get("accuracy"));
    assertThat(JSON.readTree(replay.resolve("run.json").toFile()).get("replayOf").asText())
        .isEqualTo(results.get("runId").asText());
    assertThat(LocalProcesses.brokersOf(local)).isEmpty();
  }

  @Test
  void shouldTrainAndScoreAUsersTorchScriptModelThroughTheWholePipelineWhenModelKindIsTorchscript(@TempDir Path tmp)
      throws Exception {
    // given a small demo (1 task release cut to 40 samples) on the repository's TorchScript fixture module
    Path run = tmp.resolve("run");
    Path module = ModelFixtures.tinyTorchScriptVlm();
    List<String> args = new ArrayList<>(List.of("demo", "--out", run.toString(), "--tasks", "1", "--max-samples",
        "40:6", "--seed", "3", "--method", "adapt"));
    args.addAll(List.of(TinyRun.setOptions()));
    args.addAll(List.of("--set", "model.kind=torchscript", "--set", "model.path=" + module, "--overhead"));

    // when it runs
    CliProcess.Result demo = CliProcess.runWithHeap(tmp, TIMEOUT, "768m", args.toArray(String[]::new));

    // then the run names the module, and every step was scored, selected and trained with it
    assertThat(demo.exitCode()).as(demo.output()).isZero();
    assertThat(demo.output()).contains("torchscript model " + module, "step 1: scoring the pool of",
        "step 1: selected", "model v1", "final average accuracy");
    JsonNode results = JSON.readTree(run.resolve("results.json").toFile());
    assertThat(results.get("steps")).hasSize(2);
    FileBlobStore blobs = new FileBlobStore(LocalLayout.of(run.resolve("local")).blobs());
    results.get("steps").forEach(s -> {
      assertThat(s.get("optimizerSteps").asLong()).isPositive();
      assertThat(s.get("testScores").size()).isPositive();
      // each version's checkpoint is a TorchScript learner's, not the built-in model's
      String sha = s.get("modelSha256").asText();
      try {
        assertThat(new String(blobs.get(sha), 0, 18, StandardCharsets.US_ASCII)).isEqualTo("ADAPT-TORCHSCRIPT\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    assertThat(results.get("steps").get(1).get("selected").asInt()).isPositive();
    assertThat(results.get("steps").get(1).get("modelSha256").asText())
        .isNotEqualTo(results.get("steps").get(0).get("modelSha256").asText());

    // and --overhead redid the step without Kafka: the same samples trained into the same weights, every phase timed
    JsonNode overhead = JSON.readTree(run.resolve("overhead.json").toFile());
    assertThat(overhead.get("steps")).hasSize(1);
    JsonNode step = overhead.get("steps").get(0);
    assertThat(step.get("sameWeights").asBoolean()).isTrue();
    assertThat(step.get("trained").asInt()).isEqualTo(results.get("steps").get(1).get("trainedSamples").asInt());
    assertThat(step.get("scored").asInt()).isEqualTo(results.get("steps").get(1).get("poolSize").asInt());
    assertThat(step.get("bare").get("training").asDouble()).isPositive();
    assertThat(step.get("bare").get("scoring").asDouble()).isPositive();
    assertThat(run.resolve("overhead.md")).content().contains("| 1 | ");
  }
}
