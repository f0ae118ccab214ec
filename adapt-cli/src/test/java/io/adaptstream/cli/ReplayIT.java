package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.run.demo.DemoData;
import io.adaptstream.cli.run.demo.DemoJob;
import io.adaptstream.cli.run.demo.DemoProgress;
import io.adaptstream.cli.run.demo.DemoResult;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest log is the experiment's log: a run replayed from offset 0 under a new run id, in deterministic mode and
 * with the same method, makes exactly the same selections and models; with another method it is a what-if on the
 * very same data. Both runs go through all four services ({@link DemoJob}) on the test broker.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ReplayIT {

  private static DemoProgress print(String run) {
    return line -> System.out.println("[" + run + "] " + line);
  }

  private static Deployment deployment(KafkaTestEnv kafka, Path blobs) {
    return new Deployment(kafka.bootstrapServers(), kafka.schemaRegistryUrl(), kafka.newCatalogue().prefix(), 3,
        (short) 1, blobs);
  }

  @Test
  void shouldReproduceEverySelectionAccuracyAndModelWhenReplayedWithTheSameMethod(KafkaTestEnv kafka,
      @TempDir Path tmp) throws Exception {
    // given a recorded 3-step run of the adapt method
    Deployment deployment = deployment(kafka, tmp.resolve("blobs"));
    DemoData data = TinyRun.data(tmp.resolve("data"), 3, 40, 6);
    PipelineSettings recorded = new PipelineSettings("recorded", "adapt", 11, true, TinyRun.overrides());
    DemoResult original = new DemoJob(ServiceLauncher.defaults(), deployment, recorded, data, tmp.resolve("recorded"),
        print("recorded")).run();

    // when it is replayed from the ingest log under a new run id
    DemoResult replay = new DemoJob(ServiceLauncher.defaults(), deployment, recorded.withRun("replayed"),
        data.asPublished(), tmp.resolve("replayed"), print("replayed")).run();

    // then every step selected the same samples, and every model version is bit-identical and scores the same
    assertThat(replay.runId()).isEqualTo("replayed");
    assertThat(original.steps()).hasSize(4);
    assertThat(original.selections()).hasSize(3).allSatisfy((step, ids) -> assertThat(ids).isNotEmpty());
    assertThat(replay.selections()).isEqualTo(original.selections());
    for (int t = 0; t < original.steps().size(); t++) {
      DemoResult.Step a = original.steps().get(t);
      DemoResult.Step b = replay.steps().get(t);
      assertThat(b.modelSha256()).as("model v%d", t).isEqualTo(a.modelSha256());
      assertThat(b.accuracy()).as("accuracy of v%d", t).isEqualTo(a.accuracy());
      assertThat(b.poolSize()).isEqualTo(a.poolSize());
      assertThat(b.pruned()).isEqualTo(a.pruned());
      assertThat(b.clusters()).isEqualTo(a.clusters());
    }
    assertThat(replay.forgetting()).isEqualTo(original.forgetting());
    assertThat(original.steps()).allSatisfy(s -> assertThat(s.accuracy().values()).allSatisfy(
        a -> assertThat(a).isBetween(0.0, 1.0)));
  }

  @Test
  void shouldRunAWhatIfWithAnotherMethodOnTheSameLog(KafkaTestEnv kafka, @TempDir Path tmp) throws Exception {
    // given a recorded 2-step run of the adapt method
    Deployment deployment = deployment(kafka, tmp.resolve("blobs"));
    DemoData data = TinyRun.data(tmp.resolve("data"), 2, 40, 4);
    PipelineSettings recorded = new PipelineSettings("adapt-run", "adapt", 0, true, TinyRun.overrides());
    DemoResult adapt = new DemoJob(ServiceLauncher.defaults(), deployment, recorded, data, tmp.resolve("adapt"),
        print("adapt")).run();

    // when the same log is replayed with the sequential method
    DemoResult sequential = new DemoJob(ServiceLauncher.defaults(), deployment,
        recorded.withRun("sequential-run").withMethod("sequential"), data.asPublished(), tmp.resolve("sequential"),
        print("sequential")).run();

    // then it starts from the same base model, sees the same releases and chooses differently
    assertThat(sequential.method()).isEqualTo("sequential");
    assertThat(sequential.steps().get(0).modelSha256()).isEqualTo(adapt.steps().get(0).modelSha256());
    assertThat(sequential.steps()).extracting(DemoResult.Step::release)
        .isEqualTo(adapt.steps().stream().map(DemoResult.Step::release).toList());
    assertThat(sequential.steps().get(2).poolSize()).as("sequential scores only the new release")
        .isEqualTo(sequential.steps().get(2).fresh());
    assertThat(sequential.selections()).isNotEqualTo(adapt.selections());
    Map<Integer, List<String>> ids = sequential.selections();
    assertThat(ids).hasSize(2);
  }
}
