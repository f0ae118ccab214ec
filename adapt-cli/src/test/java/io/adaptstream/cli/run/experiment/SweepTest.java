package io.adaptstream.cli.run.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.cli.run.demo.DemoReport;
import io.adaptstream.cli.run.demo.DemoResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The budget sweep's summary on hand-made results (no broker). */
class SweepTest {

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

  @TempDir
  Path tmp;

  /** {@code n} scores of which the first {@code round(n * share)} are right. */
  private static List<Double> scores(int n, double share) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(i < Math.round(n * share) ? 1.0 : 0.0);
    }
    return out;
  }

  /** A two-step run whose final accuracy on one skill of 40 test samples is {@code share}. */
  static DemoResult result(String method, long seed, double share, long stepsPerStep) {
    Map<String, List<Double>> last = Map.of("vqa.colour", scores(40, share));
    List<DemoResult.Step> steps = List.of(
        new DemoResult.Step(0, "pretrain", 0, 0, 0, 0, List.of(), Map.of("vqa.colour", 0.1), 0.1,
            new DemoResult.Seconds(0, 0, 1, 0), 100, "sha0", List.of(), Map.of(), 10L, 80L, null, null),
        new DemoResult.Step(1, "r1", 100, 100, 50, 0, List.of(), Map.of("vqa.colour", share), share,
            new DemoResult.Seconds(1, 1, 1, 0.2), 50, "sha1", List.of(), last, stepsPerStep, stepsPerStep * 8, 0L,
            50.0));
    return new DemoResult(method + "-s" + seed, method, seed, steps, share, 0, 10);
  }

  private static ExperimentTable.Run run(String method, long seed, double share, long stepsPerStep) {
    DemoResult r = result(method, seed, share, stepsPerStep);
    return new ExperimentTable.Run(method, seed, r.runId(), Path.of(r.runId(), "results.json"), r);
  }

  @Test
  void shouldPutEachPointsMethodsAtTheirSamplePassesWithPairedDifferences() throws Exception {
    // given two budgets; adapt beats random by 0.1 at the small one and ties at the large one, on seeds 0 and 1
    Map<String, List<ExperimentTable.Run>> experiments = new LinkedHashMap<>();
    experiments.put("b50", List.of(run("random", 0, 0.3, 100), run("random", 1, 0.35, 100),
        run("adapt", 0, 0.4, 100), run("adapt", 1, 0.45, 100)));
    experiments.put("b200", List.of(run("random", 0, 0.5, 400), run("random", 1, 0.5, 400),
        run("adapt", 0, 0.5, 400), run("adapt", 1, 0.5, 400)));

    // when the sweep is summarised and written
    Sweep sweep = Sweep.of(experiments, Map.of("b50", "budget 50"));
    sweep.write(tmp, "Budget sweep", "adapt sweep ...");

    // then each point has both methods at its sample passes, and adapt - random is paired per point
    assertThat(sweep.points()).extracting(Sweep.Point::label).containsExactly("b50", "b200");
    Sweep.Point small = sweep.points().get(0);
    assertThat(small.methods()).extracting(ExperimentTable.Row::samplePasses).containsOnly(800L);
    assertThat(sweep.points().get(1).methods()).extracting(ExperimentTable.Row::samplePasses).containsOnly(3200L);
    PairedDifferences.Pair diff = small.pairedDifferences().methods().get(0);
    assertThat(diff.method()).isEqualTo("random");
    assertThat(diff.seeds()).containsExactly(0L, 1L);
    assertThat(diff.finalAvgAccuracy().mean()).isCloseTo(0.1, within(1e-9));
    assertThat(diff.finalAvgAccuracy().ci95().low()).isGreaterThan(0);
    assertThat(sweep.points().get(1).pairedDifferences().methods().get(0).finalAvgAccuracy().mean())
        .isCloseTo(0, within(1e-9));
    assertThat(sweep.notes()).isEmpty();
    String md = Files.readString(tmp.resolve(Sweep.MARKDOWN_FILE));
    assertThat(md).contains("| b50 | adapt | 2 | 800 | 0.425 |", "| b50 | random | [0, 1] | +0.100 |",
        "- b50: budget 50", "- b200: -");
    assertThat(Files.readAllBytes(tmp.resolve(Sweep.CHART_FILE))).startsWith(PNG_MAGIC);
    assertThat(new ObjectMapper().readTree(tmp.resolve(Sweep.JSON_FILE).toFile()).path("points").size())
        .isEqualTo(2);
  }

  @Test
  void shouldNoteAPointThatLacksASeedAnotherPointHas() {
    // given seed 1 of adapt missing at the second point
    Map<String, List<ExperimentTable.Run>> experiments = new LinkedHashMap<>();
    experiments.put("b50", List.of(run("random", 0, 0.3, 100), run("adapt", 0, 0.4, 100),
        run("random", 1, 0.3, 100), run("adapt", 1, 0.4, 100)));
    experiments.put("b200", List.of(run("random", 0, 0.5, 400), run("adapt", 0, 0.5, 400),
        run("random", 1, 0.5, 400)));

    // when summarised, then the gap is stated
    assertThat(Sweep.of(experiments, Map.of()).notes()).containsExactly("b200: adapt has seeds [0] of [0, 1]");
  }

  @Test
  void shouldReadTheLatestFinishedAttemptOfEachRunAndFilterMethodsAndSeeds() throws Exception {
    // given an experiment with an interrupted attempt (no results.json), a re-run attempt, and other methods/seeds
    write(tmp.resolve("runs/adapt-s0"), result("adapt", 0, 0.2, 100));
    Files.createDirectories(tmp.resolve("runs/random-s0"));
    write(tmp.resolve("runs/random-s0-2"), result("random", 0, 0.3, 100));
    write(tmp.resolve("runs/random-s1"), result("random", 1, 0.3, 100));
    write(tmp.resolve("runs/el2n-s0"), result("el2n", 0, 0.3, 100));

    // when read for adapt and random at seed 0
    List<ExperimentTable.Run> runs = Sweep.runs(tmp, List.of("random", "adapt"), Set.of(0L));

    // then each method's finished run of that seed is read, in the order asked
    assertThat(runs).extracting(ExperimentTable.Run::runId).containsExactly("random-s0-2", "adapt-s0");
    assertThat(runs.get(0).result().finalAvgAccuracy()).isEqualTo(0.3);
  }

  static void write(Path runDir, DemoResult r) throws Exception {
    Files.createDirectories(runDir);
    new ObjectMapper().writeValue(runDir.resolve(DemoReport.RESULTS).toFile(), r);
  }
}
