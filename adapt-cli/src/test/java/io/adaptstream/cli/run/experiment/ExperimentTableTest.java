package io.adaptstream.cli.run.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.cli.run.continual.ContinualMetrics;
import io.adaptstream.cli.run.continual.VersionEval;
import io.adaptstream.cli.run.continual.VersionEval.Incoming;
import io.adaptstream.cli.run.demo.DemoReport;
import io.adaptstream.cli.run.demo.DemoResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentTableTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  /** A 2-step run: step 0 base, steps 1 and 2 with {@code trained} samples each, the final accuracy given. */
  private ExperimentJob.Outcome run(String method, long seed, int trained, Map<String, Double> last)
      throws IOException {
    String id = ExperimentJob.runId(method, seed);
    Path dir = tmp.resolve("runs").resolve(id);
    Files.createDirectories(dir);
    List<DemoResult.Step> steps = new ArrayList<>();
    steps.add(step(0, 0, Map.of("vqa.colour", 0.5)));
    steps.add(step(1, trained, Map.of("vqa.colour", 0.6, "multilingual.colour_zh", 0.4)));
    steps.add(step(2, trained, last));
    double avg = last.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    DemoResult r = new DemoResult(id, method, seed, steps, avg,
        DemoResult.forgetting(steps.stream().map(DemoResult.Step::accuracy).toList()), 100 + seed);
    JSON.writeValue(dir.resolve(DemoReport.RESULTS).toFile(), r);
    return new ExperimentJob.Outcome(method, seed, id, dir, false);
  }

  private static DemoResult.Step step(int t, long trained, Map<String, Double> accuracy) {
    double avg = accuracy.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    return new DemoResult.Step(t, "r" + t, 10, 5, trained, 0, List.of(), accuracy, avg,
        new DemoResult.Seconds(1, 1, 1, 0), trained, "sha" + t, List.of());
  }

  private static ExperimentTable table(List<ExperimentJob.Outcome> outcomes) throws IOException {
    List<ExperimentTable.Run> runs = new ArrayList<>();
    for (ExperimentJob.Outcome o : outcomes) {
      runs.add(ExperimentTable.Run.read(o));
    }
    return ExperimentTable.of(runs);
  }

  @Test
  void shouldGiveMultitaskARelativeGainOfHundredAndOthersTheirSharePerSeedWhenJointDidNotRun() throws IOException {
    // given two seeds of adapt and multitask
    List<ExperimentJob.Outcome> outcomes = List.of(
        run("adapt", 0, 4, Map.of("vqa.colour", 0.6, "multilingual.colour_zh", 0.4)),
        run("adapt", 1, 4, Map.of("vqa.colour", 0.3, "multilingual.colour_zh", 0.3)),
        run("multitask", 0, 10, Map.of("vqa.colour", 0.4, "multilingual.colour_zh", 0.4)),
        run("multitask", 1, 10, Map.of("vqa.colour", 0.6, "multilingual.colour_zh", 0.0)));

    // when the table is computed
    ExperimentTable table = table(outcomes);

    // then multitask is 100 at every seed, adapt 125 at seed 0 and 100 at seed 1
    assertThat(table.methods()).extracting(ExperimentTable.Row::method).containsExactly("adapt", "multitask");
    ExperimentTable.Row adapt = table.methods().get(0);
    ExperimentTable.Row multitask = table.methods().get(1);
    assertThat(multitask.relativeGain().mean()).isCloseTo(100, within(1e-9));
    assertThat(multitask.relativeGain().std()).isCloseTo(0, within(1e-9));
    assertThat(adapt.seeds()).extracting(ExperimentTable.SeedRun::relativeGain).containsExactly(125.0, 100.0);
    assertThat(adapt.relativeGain().mean()).isCloseTo(112.5, within(1e-9));
    assertThat(adapt.relativeGain().std()).isCloseTo(Math.sqrt(2 * 12.5 * 12.5), within(1e-9));
    assertThat(adapt.finalAvgAccuracy().mean()).isCloseTo(0.4, within(1e-9));
    assertThat(table.gainReference()).isEqualTo("multitask");
    assertThat(table.notes()).anySatisfy(n -> assertThat(n).contains("relative gain against multitask"));
  }

  @Test
  void shouldOmitRelativeGainAndSayWhyWhenNeitherJointNorMultitaskRan() throws IOException {
    // given only adapt
    List<ExperimentJob.Outcome> outcomes = List.of(run("adapt", 0, 4, Map.of("vqa.colour", 0.6)));

    // when the table is computed
    ExperimentTable table = table(outcomes);

    // then there is no relative gain, and a note says so
    assertThat(table.methods().get(0).relativeGain()).isNull();
    assertThat(table.gainReference()).isNull();
    assertThat(table.notes()).anySatisfy(n -> assertThat(n).contains("no relative gain"));
  }

  @Test
  void shouldAverageSkillsPerGroupAndCountSamplesTrainedAfterTheBaseModel() throws IOException {
    // given one run whose final step has two vqa skills and one multilingual skill, 7 samples per step
    List<ExperimentJob.Outcome> outcomes = List.of(run("random", 0, 7,
        Map.of("vqa.colour", 0.2, "vqa.count", 0.4, "multilingual.colour_zh", 0.9)));

    // when the table is computed
    ExperimentTable.Row row = table(outcomes).methods().get(0);

    // then the groups are the mean of their skills, and samples trained sum steps 1 and 2
    assertThat(row.groups()).containsOnlyKeys("vqa", "multilingual");
    assertThat(row.groups().get("vqa")).isCloseTo(0.3, within(1e-9));
    assertThat(row.groups().get("multilingual")).isCloseTo(0.9, within(1e-9));
    assertThat(row.samplesTrained()).isEqualTo(14);
    assertThat(row.wallSeconds()).isEqualTo(100.0);
  }

  @Test
  void shouldWriteTableJsonMarkdownAndChartsWhenReported() throws IOException {
    // given two methods of one seed
    List<ExperimentJob.Outcome> outcomes = List.of(
        run("adapt", 0, 4, Map.of("vqa.colour", 0.6, "multilingual.colour_zh", 0.4)),
        run("multitask", 0, 10, Map.of("vqa.colour", 0.4, "multilingual.colour_zh", 0.4)));

    // when the report is written
    Path out = tmp.resolve("out");
    ExperimentReport.write(outcomes, "adapt experiment --methods adapt,multitask", Map.of("data", "test"),
        List.of("a note"), out);

    // then table.json has the documented shape, table.md the command and the rows, and the charts are PNGs
    JsonNode json = JSON.readTree(out.resolve(ExperimentTable.FILE_NAME).toFile());
    JsonNode adapt = json.path("methods").get(0);
    assertThat(adapt.path("method").asText()).isEqualTo("adapt");
    assertThat(adapt.path("finalAvgAccuracy").path("mean").asDouble()).isCloseTo(0.5, within(1e-9));
    assertThat(adapt.path("relativeGain").path("mean").asDouble()).isCloseTo(125, within(1e-9));
    assertThat(adapt.path("samplesTrained").asLong()).isEqualTo(8);
    assertThat(adapt.path("groups").has("multilingual")).isTrue();
    assertThat(adapt.path("seeds").get(0).path("results").asText()).endsWith("results.json");
    assertThat(json.path("notes").toString()).contains("a note");
    String md = Files.readString(out.resolve(ExperimentReport.TABLE_MD));
    assertThat(md).contains("adapt experiment --methods adapt,multitask").contains("| adapt | 0.500 ± 0.000 |")
        .contains("125.0 ± 0.0").contains("## Paired differences").contains("| adapt − multitask | 1 | +0.100 |");
    assertThat(json.path("pairedDifferences").path("reference").asText()).isEqualTo("adapt");
    assertThat(json.path("pairedDifferences").path("methods").get(0).path("finalAvgAccuracy").path("mean")
        .asDouble()).isCloseTo(0.1, within(1e-9));
    for (String chart : List.of(ExperimentCharts.ACCURACY, ExperimentCharts.GROUPS, ExperimentCharts.MULTILINGUAL)) {
      byte[] png = Files.readAllBytes(out.resolve(chart));
      assertThat(png).as(chart).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
  }

  @Test
  void shouldBuildTheTableFromResultsWrittenBeforeTheNewFields() throws IOException {
    // given two seeds of a results.json as written before testScores and the compute fields, without
    // selections.json
    List<ExperimentJob.Outcome> outcomes = new ArrayList<>();
    for (long seed : List.of(0L, 1L)) {
      Path dir = Files.createDirectories(tmp.resolve("runs").resolve("adapt-s" + seed));
      Files.writeString(dir.resolve(DemoReport.RESULTS), ("""
          {"runId":"adapt-s%d","method":"adapt","seed":%d,"steps":[{"step":0,"release":"p","poolSize":0,"fresh":0,
          "selected":0,"pruned":0,"clusters":[],"accuracy":{"vqa.colour":0.2},"avgAccuracy":0.2,
          "seconds":{"scoring":0,"selection":0,"training":1},"trainedSamples":10,"modelSha256":"a"},{"step":1,
          "release":"r1","poolSize":10,"fresh":10,"selected":4,"pruned":2,"clusters":[{"id":0,"size":10,
          "scorer":"el2n","selected":4,"pruned":2,"skills":{"vqa.colour":10}}],"accuracy":{"vqa.colour":%s},
          "avgAccuracy":%s,"seconds":{"scoring":1,"selection":1,"training":1},"trainedSamples":4,
          "modelSha256":"b"}],"finalAvgAccuracy":%s,"forgetting":0.0,"seconds":3.0}""")
          .formatted(seed, seed, 0.3 + seed / 10.0, 0.3 + seed / 10.0, 0.3 + seed / 10.0));
      outcomes.add(new ExperimentJob.Outcome("adapt", seed, "adapt-s" + seed, dir, true));
    }

    // when the report is written
    Path out = tmp.resolve("out");
    ExperimentTable table = ExperimentReport.write(outcomes, "adapt experiment", Map.of(), List.of(), out);

    // then the table has today's figures, a seeds-only interval, no compute totals, and diagnostics without shares
    ExperimentTable.Row row = table.methods().get(0);
    assertThat(row.finalAvgAccuracy().mean()).isCloseTo(0.35, within(1e-9));
    assertThat(row.finalAvgAccuracy().ci95().low()).isCloseTo(0.3, within(1e-9));
    assertThat(row.finalAvgAccuracy().ci95().high()).isCloseTo(0.4, within(1e-9));
    assertThat(row.optimizerSteps()).isNull();
    assertThat(row.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.labelNoiseShare()).isNull();
      assertThat(d.scorers()).containsEntry("el2n", 2L);
    });
    assertThat(table.notes()).anySatisfy(n -> assertThat(n).contains("no benchmark annotations"));
    assertThat(Files.readString(out.resolve(ExperimentReport.TABLE_MD))).contains("| adapt | 0.350 ± 0.071 [0.300, 0.400] |");
  }

  @Test
  void shouldWriteTheDiagnosticsWithSelectionSharesWhenTheBenchmarkIsGiven() throws IOException {
    // given a run of seed 0 whose step 1 selected the benchmark's two text-only samples (one mislabelled)
    Path bench = BenchmarkFixture.write(tmp.resolve("bench"));
    ExperimentJob.Outcome o = run("adapt", 0, 4, Map.of("vqa.colour", 0.6));
    JSON.writeValue(o.runDir().resolve(DemoReport.SELECTIONS).toFile(), Map.of(1, List.of(
        BenchmarkFixture.textOnlyId("What is 2 + 2?", "4"), BenchmarkFixture.textOnlyId("What is 3 + 3?", "7")),
        2, List.of()));

    // when the report is written with the seed's benchmark
    Path out = tmp.resolve("out");
    ExperimentReport.write(List.of(o), "adapt experiment", Map.of(), List.of(), Map.of(0L, bench), out);

    // then table.json has the step's shares, and table.md the diagnostics table
    JsonNode d = JSON.readTree(out.resolve(ExperimentTable.FILE_NAME).toFile()).path("methods").get(0)
        .path("diagnostics");
    assertThat(d.get(0).path("step").asInt()).isEqualTo(1);
    assertThat(d.get(0).path("labelNoiseShare").asDouble()).isCloseTo(0.5, within(1e-12));
    assertThat(d.get(0).path("nearDuplicateShare").asDouble()).isCloseTo(0.5, within(1e-12));
    assertThat(d.get(0).path("unannotatedSelected").asDouble()).isZero();
    assertThat(Files.readString(out.resolve(ExperimentReport.TABLE_MD))).contains("## Diagnostics")
        .contains("| adapt | 1 | 4 | 0.50 | 0.50 | 0.50 |");
  }

  @Test
  void shouldEscapeSkillGroupsFromTheDatasetWhenTheyGoIntoTableMd() throws IOException {
    // given a run whose dataset has a skill labelled <script>alert(1)</script> (its group is the whole label)
    List<ExperimentJob.Outcome> outcomes = List.of(
        run("adapt", 0, 4, Map.of("vqa.colour", 0.6, "<script>alert(1)</script>", 0.4)));

    // when the report is written
    Path out = tmp.resolve("out");
    ExperimentReport.write(outcomes, "adapt experiment", Map.of(), List.of(), out);

    // then table.md names the group as text, and holds no tag
    String md = Files.readString(out.resolve(ExperimentReport.TABLE_MD));
    assertThat(md).doesNotContain("<script").contains(" &lt;script&gt;alert\\(1\\)&lt;/script&gt; |");
  }

  /**
   * A run whose results hold a matrix over cap.a (base model), vqa.b (step 1) and vqa.c (step 2): BWT is
   * ((capFinal − 0.9) + (vqaBFinal − 0.6)) / 2, FWT R[1][vqa.c] − R[0][vqa.c] = before − 0.2 (none when
   * {@code before} is null: no incoming evaluation).
   */
  private ExperimentJob.Outcome runWithMatrix(String method, long seed, double capFinal, double vqaBFinal,
      Double before) throws IOException {
    ExperimentJob.Outcome o = run(method, seed, 4, Map.of("cap.a", capFinal, "vqa.b", vqaBFinal, "vqa.c", 0.9));
    ContinualMetrics matrix = ContinualMetrics.from(List.of(
        new VersionEval(0, Map.of("cap.a", 0.9), Map.of(), null),
        new VersionEval(1, Map.of("cap.a", 0.8, "vqa.b", 0.6), Map.of(), null),
        new VersionEval(2, Map.of("cap.a", capFinal, "vqa.b", vqaBFinal, "vqa.c", 0.9), Map.of(),
            before == null ? null : new Incoming("r2", Map.of("vqa.c", before), before, Map.of("vqa.c", 0.2), 0.2))));
    DemoResult r = DemoReport.readResults(o.runDir());
    JSON.writeValue(o.runDir().resolve(DemoReport.RESULTS).toFile(), new DemoResult(r.runId(), r.method(),
        r.seed(), r.steps(), r.finalAvgAccuracy(), r.forgetting(), r.seconds(), matrix));
    return o;
  }

  @Test
  void shouldCarryBackwardAndForwardTransferOverSeedsAndPairThemWhenTheResultsHaveAMatrix() throws IOException {
    // given adapt with BWT -0.15 and -0.2, FWT 0.1 and 0.2; random with BWT -0.3 twice and no FWT
    List<ExperimentJob.Outcome> outcomes = List.of(
        runWithMatrix("adapt", 0, 0.7, 0.5, 0.3),
        runWithMatrix("adapt", 1, 0.6, 0.5, 0.4),
        runWithMatrix("random", 0, 0.5, 0.4, null),
        runWithMatrix("random", 1, 0.5, 0.4, null));

    // when the report is written
    Path out = tmp.resolve("out");
    ExperimentTable table = ExperimentReport.write(outcomes, "adapt experiment --methods adapt,random",
        Map.of(), List.of(), out);

    // then each method has the mean and spread over seeds, with an interval inside the seeds' range
    ExperimentTable.Continual adapt = table.methods().get(0).continual();
    assertThat(adapt.seeds()).isEqualTo(2);
    assertThat(adapt.backwardTransfer().mean()).isCloseTo(-0.175, within(1e-9));
    assertThat(adapt.backwardTransfer().std()).isCloseTo(Math.sqrt(2 * 0.025 * 0.025), within(1e-9));
    assertThat(adapt.backwardTransfer().ci95().low()).isBetween(-0.2 - 1e-9, -0.175);
    assertThat(adapt.backwardTransfer().ci95().high()).isBetween(-0.175, -0.15 + 1e-9);
    assertThat(adapt.forwardTransfer().mean()).isCloseTo(0.15, within(1e-9));
    assertThat(adapt.groups().get("vqa").forwardTransfer()).isCloseTo(0.15, within(1e-9));
    assertThat(adapt.groups().get("cap").forwardTransfer()).isNull();
    assertThat(table.methods().get(0).seeds()).extracting(ExperimentTable.SeedRun::backwardTransfer)
        .satisfiesExactly(b -> assertThat(b).isCloseTo(-0.15, within(1e-9)),
            b -> assertThat(b).isCloseTo(-0.2, within(1e-9)));
    ExperimentTable.Continual random = table.methods().get(1).continual();
    assertThat(random.backwardTransfer().mean()).isCloseTo(-0.3, within(1e-9));
    assertThat(random.forwardTransfer()).isNull();

    // and the paired difference adapt - random is over the seeds where both have the metric
    PairedDifferences.Pair pair = table.pairedDifferences().methods().get(0);
    assertThat(pair.backwardTransfer().mean()).isCloseTo(0.125, within(1e-9));
    assertThat(pair.forwardTransfer()).isNull();

    // and both files carry them
    JsonNode json = JSON.readTree(out.resolve(ExperimentTable.FILE_NAME).toFile());
    assertThat(json.at("/methods/0/continual/backwardTransfer/mean").asDouble()).isCloseTo(-0.175, within(1e-9));
    String md = Files.readString(out.resolve(ExperimentReport.TABLE_MD));
    assertThat(md).contains("## Continual-learning metrics", "| adapt | 2 | ", "| random | 2 | ",
        "| adapt − random | +0.125 [", "vqa -0.100 / +0.150");
  }
}
