package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.cli.demo.DemoReport;
import io.adaptstream.cli.demo.DemoResult;
import io.adaptstream.cli.experiment.ExperimentCharts;
import io.adaptstream.cli.experiment.ExperimentJob;
import io.adaptstream.cli.experiment.ExperimentReport;
import io.adaptstream.cli.experiment.ExperimentTable;
import io.adaptstream.cli.pipeline.Cluster;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import io.adaptstream.trainer.Checkpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny experiment through the real pipeline on the test broker: three methods over one published log, the base
 * model trained once and shared, the table computed from the runs' results, and a second call that resumes by
 * skipping every finished run.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ExperimentIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldRunEveryMethodOnTheSameLogAndWriteAConsistentTable(KafkaTestEnv kafka, @TempDir Path tmp)
      throws Exception {
    // given three methods, one seed, a 2-step slice of the benchmark and a tiny model
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    ExperimentJob.Clusters clusters = (seed, seedDir) -> new ExperimentJob.Lease(new Cluster(
        kafka.bootstrapServers(), kafka.schemaRegistryUrl(), kafka.newCatalogue().prefix(), 3, (short) 1,
        seedDir.resolve("blobs")), (name, handle) -> {}, null, () -> {});
    ExperimentJob.Source source = (seed, seedDir) -> TinyRun.data(seedDir.resolve("data"), 2, 40, 6);
    Path dir = tmp.resolve("experiment");
    List<String> methods = List.of("sequential", "adapt", "multitask");
    ExperimentJob job = new ExperimentJob(ServiceLauncher.defaults(), clusters, source, methods, List.of(0L), true,
        TinyRun.overrides(), "custom", dir, line -> {
          lines.add(line);
          System.out.println("[experiment] " + line);
        });

    // when it runs and its table is written
    List<ExperimentJob.Outcome> outcomes = job.run();
    ExperimentTable table = ExperimentReport.write(outcomes, "adapt experiment (test)", Map.of("data", "tiny"),
        List.of(), dir);

    // then every method ran once, from the same base model, over the same releases
    assertThat(outcomes).extracting(ExperimentJob.Outcome::runId)
        .containsExactly("sequential-s0", "adapt-s0", "multitask-s0");
    List<DemoResult> results = new ArrayList<>();
    for (ExperimentJob.Outcome o : outcomes) {
      results.add(DemoReport.readResults(o.runDir()));
    }
    assertThat(results).extracting(r -> r.steps().get(0).modelSha256()).containsOnly(
        results.get(0).steps().get(0).modelSha256());
    assertThat(results).extracting(r -> r.steps().stream().map(DemoResult.Step::release).toList().subList(1, 3))
        .containsOnly(results.get(0).steps().stream().map(DemoResult.Step::release).toList().subList(1, 3));
    assertThat(dir.resolve("seeds/0/base-model").resolve(Checkpoints.PARAMS_FILE)).isRegularFile();

    // and table.json is consistent with the runs: one seed (std 0), multitask the reference, samples as selected
    JsonNode json = JSON.readTree(dir.resolve(ExperimentTable.FILE_NAME).toFile());
    assertThat(json.path("methods")).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode row = json.path("methods").get(i);
      DemoResult r = results.get(i);
      assertThat(row.path("method").asText()).isEqualTo(methods.get(i));
      assertThat(row.path("finalAvgAccuracy").path("mean").asDouble()).isEqualTo(r.finalAvgAccuracy());
      assertThat(row.path("finalAvgAccuracy").path("std").asDouble()).isZero();
      assertThat(row.path("forgetting").path("mean").asDouble()).isEqualTo(r.forgetting());
      assertThat(row.path("samplesTrained").asLong()).isEqualTo(
          r.steps().stream().filter(s -> s.step() > 0).mapToLong(DemoResult.Step::selected).sum()).isPositive();
      assertThat(row.path("groups").size()).isPositive();
      assertThat(row.path("seeds").get(0).path("results").asText())
          .isEqualTo(outcomes.get(i).runDir().resolve(DemoReport.RESULTS).toString());
    }
    // (a tiny model may end at accuracy 0, where a percentage of it is undefined)
    ExperimentTable.Row multitask = table.methods().get(2);
    if (multitask.finalAvgAccuracy().mean() > 0) {
      assertThat(multitask.relativeGain().mean()).isCloseTo(100, within(1e-9));
      assertThat(multitask.relativeGain().std()).isZero();
    } else {
      assertThat(table.notes()).anySatisfy(n -> assertThat(n).contains("multitask's final average accuracy is 0"));
      assertThat(table.methods()).allSatisfy(r -> assertThat(r.relativeGain()).isNull());
    }
    assertThat(table.methods().get(2).samplesTrained()).as("multitask trains on more than the budget")
        .isGreaterThan(table.methods().get(1).samplesTrained());
    assertThat(dir.resolve(ExperimentCharts.ACCURACY)).isRegularFile();
    assertThat(dir.resolve(ExperimentCharts.GROUPS)).isRegularFile();
    assertThat(dir.resolve(ExperimentReport.TABLE_MD)).content().contains("| adapt |");

    // when the experiment runs again, every run is already done and skipped
    lines.clear();
    List<ExperimentJob.Outcome> again = job.run();
    assertThat(again).allSatisfy(o -> assertThat(o.skipped()).isTrue());
    assertThat(again).extracting(ExperimentJob.Outcome::runId).containsExactly("sequential-s0", "adapt-s0",
        "multitask-s0");
    assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).contains("already done"));
    assertThat(Files.list(dir.resolve("runs")).count()).isEqualTo(3);
  }
}
