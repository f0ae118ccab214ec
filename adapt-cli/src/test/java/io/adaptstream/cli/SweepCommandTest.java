package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.cli.run.demo.DemoReport;
import io.adaptstream.cli.run.demo.DemoResult;
import io.adaptstream.cli.run.experiment.Sweep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepCommandTest {

  @TempDir
  Path tmp;

  private void experiment(String name, String overrides, double adapt, double random) throws Exception {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("experiment.json"), "{\"compute\":\"equal\",\"overrides\":\"" + overrides + "\"}");
    for (long seed = 0; seed < 2; seed++) {
      write(dir.resolve("runs/adapt-s" + seed), "adapt", seed, adapt);
      write(dir.resolve("runs/random-s" + seed), "random", seed, random);
      write(dir.resolve("runs/sequential-s" + seed), "sequential", seed, 0.1);
    }
  }

  private static void write(Path runDir, String method, long seed, double accuracy) throws Exception {
    Files.createDirectories(runDir);
    DemoResult.Step last = new DemoResult.Step(1, "r1", 10, 10, 5, 0, List.of(), Map.of("vqa.colour", accuracy),
        accuracy, new DemoResult.Seconds(1, 1, 1, 0.1), 5, "sha", List.of(), Map.of(), 20L, 160L, 0L, null);
    new ObjectMapper().writeValue(runDir.resolve(DemoReport.RESULTS).toFile(),
        new DemoResult(method + "-s" + seed, method, seed, List.of(last), accuracy, 0, 1));
  }

  @Test
  void shouldSummariseTheGivenMethodsOfEveryExperimentIntoTheOutputDirectory() throws Exception {
    // given two experiments that differ in the budget
    experiment("b50", "{selector.budget=50}", 0.3, 0.2);
    experiment("b200", "{selector.budget=200}", 0.4, 0.4);

    // when they are summarised for adapt and random
    Path out = tmp.resolve("sweep");
    CliRun run = CliRun.of("sweep", "--methods", "random,adapt", "--out", out.toString(),
        tmp.resolve("b50").toString(), tmp.resolve("b200").toString());

    // then both points are reported with their settings, sequential left out, and the three files written
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("| b50 | adapt | 2 |", "| b200 | random | 2 |",
        "- b50: compute: equal; overrides: {selector.budget=50}").doesNotContain("sequential");
    assertThat(out.resolve(Sweep.JSON_FILE)).isRegularFile();
    assertThat(out.resolve(Sweep.CHART_FILE)).isRegularFile();
    assertThat(Files.readString(out.resolve(Sweep.MARKDOWN_FILE))).contains("adapt sweep --methods random,adapt");
  }

  @Test
  void shouldRefuseADirectoryThatIsNotAnExperiment() throws Exception {
    // given an empty directory
    Files.createDirectories(tmp.resolve("empty"));

    // when it is given, then a usage error says what it is missing
    CliRun run = CliRun.of("sweep", "--out", tmp.resolve("sweep").toString(), tmp.resolve("empty").toString());
    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(run.err()).contains("is not an experiment directory (no runs/ in it)");
  }
}
