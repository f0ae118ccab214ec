package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.demo.DemoReport;
import io.adaptstream.cli.run.demo.DemoResult;
import io.adaptstream.cli.run.experiment.ExperimentCharts;
import io.adaptstream.cli.run.experiment.ExperimentJob;
import io.adaptstream.cli.run.experiment.ExperimentReport;
import io.adaptstream.cli.run.experiment.ExperimentTable;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import io.adaptstream.trainer.Checkpoints;
import io.adaptstream.trainer.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny experiment through the real pipeline on the test broker, under equal compute: three methods over one
 * published log, the base model trained once and shared, the joint reference fitted from it, the table computed
 * from the runs' results, and a second call that resumes by skipping every finished run.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ExperimentIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldRunEveryMethodOnTheSameLogAndWriteAConsistentTable(KafkaTestEnv kafka, @TempDir Path tmp)
      throws Exception {
    // given three methods and the joint reference, one seed, a 2-step slice of the benchmark, a tiny model and
    // equal compute (3 optimizer steps per time step)
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    ExperimentJob.Deployments deployments = (seed, seedDir) -> new ExperimentJob.Lease(new Deployment(
        kafka.bootstrapServers(), kafka.schemaRegistryUrl(), kafka.newCatalogue().prefix(), 3, (short) 1,
        seedDir.resolve("blobs")), (name, handle) -> {}, null, () -> {});
    ExperimentJob.Source source = (seed, seedDir) -> TinyRun.data(seedDir.resolve("data"), 2, 40, 6);
    Path dir = tmp.resolve("experiment");
    List<String> methods = List.of("sequential", "adapt", "multitask", "joint");
    Map<String, String> overrides = new LinkedHashMap<>(TinyRun.overrides());
    overrides.put(TrainerConfig.STEPS, "3");
    overrides.put(TrainerConfig.PRETRAIN_STEPS, "10");
    ExperimentJob job = new ExperimentJob(ServiceLauncher.defaults(), deployments, source, methods, List.of(0L), true,
        overrides, "custom", dir, line -> {
          lines.add(line);
          System.out.println("[experiment] " + line);
        });

    // when it runs and its table is written
    List<ExperimentJob.Outcome> outcomes = job.run();
    ExperimentTable table = ExperimentReport.write(outcomes, "adapt experiment (test)", Map.of("data", "tiny"),
        List.of(), dir);

    // then every method ran once, from the same base model, over the same releases
    assertThat(outcomes).extracting(ExperimentJob.Outcome::runId)
        .containsExactly("sequential-s0", "adapt-s0", "multitask-s0", "joint-s0");
    List<DemoResult> results = new ArrayList<>();
    for (ExperimentJob.Outcome o : outcomes) {
      results.add(DemoReport.readResults(o.runDir()));
    }
    assertThat(results).extracting(r -> r.steps().get(0).modelSha256()).containsOnly(
        results.get(0).steps().get(0).modelSha256());
    assertThat(results.subList(0, 3)).extracting(r -> r.steps().stream().map(DemoResult.Step::release).toList()
        .subList(1, 3)).containsOnly(results.get(0).steps().stream().map(DemoResult.Step::release).toList()
        .subList(1, 3));
    // and every pipeline step made the same 3 optimizer steps and recorded its per-test-sample scores
    assertThat(results.subList(0, 3)).allSatisfy(r -> assertThat(r.steps().subList(1, 3)).allSatisfy(st -> {
      assertThat(st.optimizerSteps()).isEqualTo(3);
      assertThat(st.testScores()).isNotEmpty().containsOnlyKeys(st.accuracy().keySet());
    }));
    // and the joint reference is one fit of T x S = 2 x 3 steps, evaluated on every release's test samples
    DemoResult joint = results.get(3);
    assertThat(joint.steps()).extracting(DemoResult.Step::step).containsExactly(0, 2);
    DemoResult.Step fitted = joint.steps().get(1);
    assertThat(fitted.optimizerSteps()).isEqualTo(6);
    assertThat(fitted.release()).isEqualTo("joint (all releases)");
    assertThat(fitted.modelSha256()).isNotEqualTo(joint.steps().get(0).modelSha256());
    assertThat(fitted.testScores().keySet()).isEqualTo(results.get(0).steps().get(2).accuracy().keySet());
    assertThat(fitted.testScores()).allSatisfy((skill, scores) -> assertThat(scores)
        .hasSameSizeAs(results.get(0).steps().get(2).testScores().get(skill)));
    assertThat(joint.finalAvgAccuracy()).isBetween(0.0, 1.0);
    assertThat(fitted.trainedSamples()).as("the union of the task releases' train samples")
        .isGreaterThanOrEqualTo(results.get(2).steps().get(2).trainedSamples());
    assertThat(dir.resolve("seeds/0/base-model").resolve(Checkpoints.PARAMS_FILE)).isRegularFile();

    // and table.json is consistent with the runs: one seed (std 0), joint the reference, samples as selected,
    // the same optimizer steps for every method
    JsonNode json = JSON.readTree(dir.resolve(ExperimentTable.FILE_NAME).toFile());
    assertThat(json.path("methods")).hasSize(4);
    assertThat(json.path("gainReference").asText()).isEqualTo("joint");
    json.path("methods").forEach(row -> assertThat(row.path("optimizerSteps").asLong()).isEqualTo(6));
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
    ExperimentTable.Row reference = table.methods().get(3);
    if (reference.finalAvgAccuracy().mean() > 0) {
      assertThat(reference.relativeGain().mean()).isCloseTo(100, within(1e-9));
      assertThat(reference.relativeGain().std()).isZero();
    } else {
      assertThat(table.notes()).anySatisfy(n -> assertThat(n).contains("joint's final average accuracy is 0"));
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
        "multitask-s0", "joint-s0");
    assertThat(lines).hasSize(4).allSatisfy(l -> assertThat(l).contains("already done"));
    assertThat(Files.list(dir.resolve("runs")).count()).isEqualTo(4);
  }
}
