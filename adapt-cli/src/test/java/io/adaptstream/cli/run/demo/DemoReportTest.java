package io.adaptstream.cli.run.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.cli.run.continual.ContinualMetrics;
import io.adaptstream.cli.run.continual.VersionEval;
import io.adaptstream.cli.run.continual.VersionEval.Incoming;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

  @TempDir
  Path tmp;

  static DemoResult result() {
    DemoResult.Step base = new DemoResult.Step(0, "pretrain", 0, 0, 0, 0, List.of(), Map.of("caption.brief", 0.4),
        0.4, new DemoResult.Seconds(0, 0, 12.5, 0), 500, "aa", List.of());
    DemoResult.Step one = new DemoResult.Step(1, "r1-llava-mix", 500, 500, 150, 0,
        List.of(new DemoResult.Cluster(0, 300, "el2n", 90, 0, Map.of("vqa.colour", 200L, "caption.brief", 100L)),
            new DemoResult.Cluster(1, 200, "entropy", 60, 0, Map.of("language.arith", 200L))),
        Map.of("caption.brief", 0.5, "vqa.colour", 0.25), 0.375, new DemoResult.Seconds(4.6, 1.2, 8.7, 1.3), 150, "bb",
        List.of("id-1", "id-2"));
    DemoResult.Step two = new DemoResult.Step(2, "r2-m3it-many", 1000, 500, 150, 400,
        List.of(new DemoResult.Cluster(0, 600, "perplexity", 80, 200, Map.of("vqa.colour", 600L)),
            new DemoResult.Cluster(2, 400, "grounding", 70, 200, Map.of("ocr.digits", 400L))),
        Map.of("caption.brief", 0.3, "vqa.colour", 0.35, "ocr.digits", 0.1), 0.25,
        new DemoResult.Seconds(6.6, 0.7, 10.4, 0), 150, "cc", List.of("id-3"));
    return new DemoResult("adapt-20260101-000000", "adapt", 0, List.of(base, one, two), 0.25,
        DemoResult.forgetting(List.of(base.accuracy(), one.accuracy(), two.accuracy())), 80);
  }

  static RunRecord record() {
    return new RunRecord("adapt-20260101-000000", "adapt", 0, "QUICK", true, "/d/data", "/d/local", "pretrain",
        List.of("r1-llava-mix", "r2-m3it-many"), Map.of("selector.budget", "150"), null, "2026-01-01T00:00:00Z",
        Map.of(), "equal");
  }

  @Test
  void shouldWriteResultsSelectionsRunRecordChartsAndReport() throws Exception {
    // when a finished run is written
    List<Path> files = DemoReport.write(result(), record(), tmp);

    // then every documented file exists, the charts are PNG images, and the report embeds them
    assertThat(files).extracting(f -> f.getFileName().toString()).containsExactlyInAnyOrder("results.json",
        "selections.json", "run.json", "accuracy.png", "pool.png", "clusters.png", "report.md");
    for (String chart : List.of("accuracy.png", "pool.png", "clusters.png")) {
      assertThat(Files.readAllBytes(tmp.resolve(chart))).startsWith(PNG_MAGIC);
    }
    String report = Files.readString(tmp.resolve("report.md"));
    assertThat(report).contains("# Run adapt-20260101-000000", "![accuracy per skill](accuracy.png)",
        "![pool size](pool.png)", "![cluster composition](clusters.png)",
        "| 1 | r1-llava-mix | 500 | 500 | 150 | 0 | 2 | 0.375 | 4.6 | 1.2 | 8.7 | 1.3 |",
        "| 2 | 0 | 600 | perplexity | 80 | 200 | vqa.colour 100% |", "`selector.budget=150`");
  }

  @Test
  void shouldWriteTheDocumentedResultsShapeWithSelectedIdsApart() throws Exception {
    DemoReport.write(result(), record(), tmp);

    JsonNode results = JSON.readTree(tmp.resolve("results.json").toFile());
    assertThat(results.get("runId").asText()).isEqualTo("adapt-20260101-000000");
    assertThat(results.get("steps")).hasSize(3);
    JsonNode step1 = results.get("steps").get(1);
    assertThat(step1.get("poolSize").asLong()).isEqualTo(500);
    assertThat(step1.get("clusters").get(0).get("scorer").asText()).isEqualTo("el2n");
    assertThat(step1.get("accuracy").get("vqa.colour").asDouble()).isEqualTo(0.25);
    assertThat(step1.get("seconds").get("scoring").asDouble()).isEqualTo(4.6);
    assertThat(step1.has("selectedIds")).isFalse();
    assertThat(results.get("finalAvgAccuracy").asDouble()).isEqualTo(0.25);
    assertThat(results.get("forgetting").asDouble()).isGreaterThan(0);
    JsonNode selections = JSON.readTree(tmp.resolve("selections.json").toFile());
    assertThat(selections.get("1")).hasSize(2);
    assertThat(DemoReport.readResults(tmp).steps().get(2).accuracy()).containsEntry("ocr.digits", 0.1);
    assertThat(RunRecord.read(tmp)).isEqualTo(record());
  }

  @Test
  void shouldPrintOneTableRowPerStepAndTheFinalNumbers() {
    String table = DemoReport.table(result());

    assertThat(table.lines()).hasSize(5);
    assertThat(table).contains("r2-m3it-many", "0.250", "final average accuracy 0.250, forgetting");
  }

  @Test
  void shouldEscapeSampleTextSoNoMarkupFormsWhenASkillLabelIsAScriptTag() throws Exception {
    // given a run whose dataset labelled a skill <script>alert(1)</script>
    String hostile = "<script>alert(1)</script>";
    DemoResult.Step base = new DemoResult.Step(0, "pretrain", 0, 0, 0, 0, List.of(), Map.of(hostile, 0.4),
        0.4, new DemoResult.Seconds(0, 0, 1, 0), 10, "aa", List.of());
    DemoResult.Step one = new DemoResult.Step(1, "r1", 10, 10, 5, 0,
        List.of(new DemoResult.Cluster(0, 10, "el2n", 5, 0, Map.of(hostile, 10L))),
        Map.of(hostile, 0.5), 0.5, new DemoResult.Seconds(1, 1, 1, 0), 5, "bb", List.of("id-1"));
    ContinualMetrics matrix = ContinualMetrics.from(List.of(
        new VersionEval(0, Map.of(hostile, 0.4), Map.of("pretrain", 0.4), null),
        new VersionEval(1, Map.of(hostile, 0.5), Map.of("pretrain", 0.5, "r1", 0.5), null)));
    DemoResult r = new DemoResult("adapt-20260101-000000", "adapt", 0, List.of(base, one), 0.5,
        DemoResult.forgetting(List.of(base.accuracy(), one.accuracy())), 5, matrix);

    // when the report is written
    DemoReport.write(r, record(), tmp);

    // then report.md shows the label as text in the skill table and the cluster table, and holds no tag
    String report = Files.readString(tmp.resolve("report.md"));
    String escaped = "&lt;script&gt;alert\\(1\\)&lt;/script&gt;";
    assertThat(report).doesNotContain("<script").doesNotContain("</script>")
        .contains("| " + escaped + " | 0.40 | 0.50 |")
        .contains("| 1 | 0 | 10 | el2n | 5 | 0 | " + escaped + " 100% |")
        .contains("| skill group " + escaped + " | 1 |");
  }

  /** {@link #result()} with its matrix: r1 brings vqa.colour, r2 ocr.digits, each evaluated before it came in. */
  static DemoResult withMatrix() {
    DemoResult r = result();
    List<DemoResult.Step> steps = new java.util.ArrayList<>(r.steps());
    DemoResult.Step two = steps.get(2);
    steps.set(2, new DemoResult.Step(two.step(), two.release(), two.poolSize(), two.fresh(), two.selected(),
        two.pruned(), two.clusters(), two.accuracy(), two.avgAccuracy(), new DemoResult.Seconds(6.6, 0.7, 10.4, 0,
        1.5), two.trainedSamples(), two.modelSha256(), two.selectedIds()));
    ContinualMetrics matrix = ContinualMetrics.from(List.of(
        new VersionEval(0, Map.of("caption.brief", 0.4), Map.of("pretrain", 0.4), null),
        new VersionEval(1, Map.of("caption.brief", 0.5, "vqa.colour", 0.25),
            Map.of("pretrain", 0.5, "r1-llava-mix", 0.25),
            new Incoming("r1-llava-mix", Map.of("vqa.colour", 0.1), 0.1, Map.of("vqa.colour", 0.1), 0.1)),
        new VersionEval(2, Map.of("caption.brief", 0.2, "vqa.colour", 0.35, "ocr.digits", 0.1),
            Map.of("pretrain", 0.2, "r1-llava-mix", 0.35, "r2-m3it-many", 0.1),
            new Incoming("r2-m3it-many", Map.of("ocr.digits", 0.05), 0.05, Map.of("ocr.digits", 0.0), 0.0))));
    return new DemoResult(r.runId(), r.method(), r.seed(), steps, r.finalAvgAccuracy(), r.forgetting(),
        r.seconds(), matrix);
  }

  @Test
  void shouldWriteTheMatrixHeatmapAndTheContinualMetricsWhenTheResultHasAMatrix() throws Exception {
    // when a run with its accuracy matrix is written
    List<Path> files = DemoReport.write(withMatrix(), record(), tmp);

    // then the heatmap is a PNG the report embeds, with the metrics of both matrices and the release matrix
    assertThat(files).extracting(f -> f.getFileName().toString()).contains("matrix.png");
    assertThat(Files.readAllBytes(tmp.resolve("matrix.png"))).startsWith(PNG_MAGIC);
    String report = Files.readString(tmp.resolve("report.md"));
    // skills: forgetting ((0.5 - 0.2) + (0.25 - 0.35)) / 2, BWT ((0.2 - 0.4) + (0.35 - 0.25)) / 2,
    // FWT R[1][ocr.digits] - R[0][ocr.digits]; average after step 2 (0.2 + 0.35 + 0.1) / 3
    assertThat(report).contains("## Continual-learning metrics", "![accuracy matrix](matrix.png)",
        "| skills | 3 | 0.100 | -0.050 | 0.050 | 0.400, 0.375, 0.217 |",
        "| skill group vqa | 1 | -0.100 | 0.100 | - | -, 0.250, 0.350 |",
        "| v0 | 0.400 | 0.100 | 0.000 |", "Evaluations before training (part of each step's training seconds): "
            + "v2 1.5 s.");
    // and results.json holds the matrix, with null for cells not evaluated
    JsonNode matrix = JSON.readTree(tmp.resolve("results.json").toFile()).get("matrix");
    assertThat(matrix.get("versions")).hasSize(3);
    assertThat(matrix.at("/skills/columns").get(2).asText()).isEqualTo("ocr.digits");
    assertThat(matrix.at("/skills/accuracy/0/2").asDouble()).isEqualTo(0.0);
    assertThat(matrix.at("/skills/metrics/forwardTransfer").asDouble()).isEqualTo(0.05);
    JsonNode seconds = JSON.readTree(tmp.resolve("results.json").toFile()).at("/steps/2/seconds");
    assertThat(seconds.get("incomingEvaluation").asDouble()).isEqualTo(1.5);
    assertThat(JSON.readTree(tmp.resolve("results.json").toFile()).at("/steps/1/seconds").has("incomingEvaluation"))
        .isFalse();
    assertThat(DemoReport.readResults(tmp).steps().get(2).seconds().incomingEvaluation()).isEqualTo(1.5);
    assertThat(DemoReport.readResults(tmp).matrix()).isEqualTo(withMatrix().matrix());
    assertThat(DemoReport.table(withMatrix())).contains("continual (skills): mean forgetting 0.100, backward "
        + "transfer -0.050, forward transfer 0.050");
  }
}
