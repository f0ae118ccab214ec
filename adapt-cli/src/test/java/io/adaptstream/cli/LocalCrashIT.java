package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.cli.local.LocalLayout;
import io.adaptstream.cli.local.LocalMode;
import io.adaptstream.cli.local.LocalProcesses;
import io.adaptstream.cli.local.LocalState;
import io.adaptstream.cli.run.RunTopics;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.run.demo.DemoData;
import io.adaptstream.cli.run.demo.DemoJob;
import io.adaptstream.cli.run.demo.DemoResult;
import io.adaptstream.cli.run.demo.Protocol;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.selector.query.SelectionView;
import io.adaptstream.selector.query.SelectorClient;
import io.adaptstream.selector.query.StepView;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode killed as a whole: every process of {@code adapt local up} (the owner JVM, which runs the registry
 * and the services, and its broker child) gets SIGKILL in the middle of step 1, once while the step is being
 * scored and once while its model is being trained; each time {@code adapt local up} is simply run again on the
 * same data directory. The run must resume by itself and end exactly as the same run without kills: the same
 * selection and the bit-identical model (deterministic mode, which local mode runs by default).
 */
@ExtendWith(KafkaBrokerExtension.class)
class LocalCrashIT {

  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(4);
  /** The owner's JVM options, passed on to the background process: the trainer's progress goes to its log. */
  private static final List<String> JVM = List.of("-Xmx768m", "-Dorg.slf4j.simpleLogger.log.io.adaptstream=info",
      "-Dorg.slf4j.simpleLogger.showDateTime=true");

  /** Lines of the owner's log that show how long a restart took. */
  private static final List<String> TIMELINE = List.of("stale local.json", "broker answered after", "ready in",
      "owns adapt.score-requests", "training on", "published adapt-vlm");

  @Test
  void shouldResumeAndEndWithTheSameSelectionAndModelWhenLocalModeIsKilledDuringScoringAndDuringTraining(
      KafkaTestEnv kafka, @TempDir Path tmp) throws Exception {
    DemoData data = TinyRun.data(tmp.resolve("data"), 1, 48, 4);
    Map<String, String> overrides = new LinkedHashMap<>(Protocol.continuous().overrides());
    overrides.putAll(TinyRun.overrides());
    // small transactions and batches and a longer training, so each kill lands inside its phase
    overrides.put("scoring.max.poll.records", "2");
    overrides.put("scoring.micro.batch", "2");
    overrides.put("trainer.batch.size", "2");
    overrides.put("trainer.epochs", "20");

    // given the reference: the same run without kills, its services in this JVM on the test broker
    Deployment deployment = new Deployment(kafka.bootstrapServers(), kafka.schemaRegistryUrl(),
        kafka.newCatalogue().prefix(), 3, (short) 1, tmp.resolve("clean-blobs"));
    PipelineSettings clean = new PipelineSettings("clean", "adapt", 0, true, overrides);
    DemoResult reference = new DemoJob(ServiceLauncher.defaults(), deployment, clean, data, tmp.resolve("clean"),
        line -> System.out.println("[clean] " + line)).run();

    // and local mode with its services, in the background, the releases published to it
    Path dir = tmp.resolve("adapt");
    LocalLayout layout = LocalLayout.of(dir);
    String[] up = Stream.concat(Stream.of("local", "up", "--detach", "--data-dir", dir.toString()),
        overrides.entrySet().stream().flatMap(e -> Stream.of("--set", e.getKey() + "=" + e.getValue())))
        .toArray(String[]::new);
    List<String> kills = new ArrayList<>();
    try {
      start(tmp, up);
      for (DemoData.Release r : data.releases()) {
        List<String> publish = new ArrayList<>(List.of("publish", "--release", r.name(), r.file().toString(),
            "--images", r.imageRoot().toString(), "--data-dir", dir.toString()));
        if (r.role() == ReleaseRole.PRETRAIN) {
          publish.add("--pretrain");
        }
        CliRun p = CliRun.of(publish.toArray(String[]::new));
        assertThat(p.exitCode()).as(p.err()).isZero();
      }

      // when everything is killed while step 1 is being scored
      StepView scoring = awaitStep(selector(layout), v -> v.poolSize() > 0 && v.scores() >= v.poolSize() / 3
          || !v.phase().equals("requested") && !v.phase().equals("started"));
      int killed = killAll(layout);
      kills.add("scoring, at " + scoring.scores() + "/" + scoring.poolSize() + " scored (phase " + scoring.phase()
          + "), " + killed + " processes");
      assertThat(scoring.phase()).as("killed while scoring").isEqualTo("requested");
      assertThat(scoring.scores()).isLessThan(scoring.poolSize());

      // and local mode is started again on the same directory, and killed while it trains model version 1
      long t0 = System.nanoTime();
      start(tmp, up);
      await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(20))
          .until(() -> log(layout).contains("version 1: training on"));
      long resumed = System.nanoTime();
      boolean publishedBeforeKill = log(layout).contains("published adapt-vlm@1");
      killed = killAll(layout);
      kills.add("training of v1 (scoring resumed and the step reached training " + seconds(resumed - t0)
          + " s after the restart), " + killed + " processes");
      assertThat(publishedBeforeKill).as("killed before version 1 was published").isFalse();

      // and started once more
      t0 = System.nanoTime();
      start(tmp, up);
      SelectorClient selector = selector(layout);
      Deployment local = localDeployment(layout);
      Map<Integer, String> shas = new LinkedHashMap<>();
      try (RunTopics topics = new RunTopics(local, TopicCatalogue.DEFAULT_RUN, "adapt-vlm")) {
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
          topics.poll(Duration.ofMillis(100));
          return topics.models().containsKey(1) && topics.evals().containsKey(1);
        });
        topics.models().forEach((v, m) -> shas.put(v, m.value().getSha256()));
      }
      kills.add("recovered: model v1 published " + seconds(System.nanoTime() - t0) + " s after the restart");

      // then the step selected what the uninterrupted run selected, each sample once (read from the log)
      TopicCatalogue run = local.catalogue(TopicCatalogue.DEFAULT_RUN);
      Map<Integer, List<String>> selections = RunLog.selections(local.bootstrapServers(), local.serdes(), run);
      assertThat(selections.get(1)).hasSize(16).doesNotHaveDuplicates();
      assertThat(RunLog.sorted(selections)).isEqualTo(reference.selections());
      // and the selector, restarted twice, reports the same selection
      // (it answers once its Streams threads run again after the restart's rebalance: as long as a step may take)
      List<String> queried = await().atMost(STEP_TIMEOUT).ignoreExceptions()
          .until(() -> selector.selections(1).stream().map(SelectionView::sampleId).sorted().toList(), s -> true);
      assertThat(queried).isEqualTo(reference.selections().get(1));
      // every sample scored once, every model version published once, and the models are bit-identical
      assertThat(RunLog.scoreCounts(local.bootstrapServers(), local.serdes(), run))
          .hasSize(48).allSatisfy((key, n) -> assertThat(n).as("scores of %s", key).isEqualTo(1));
      assertThat(RunLog.models(local.bootstrapServers(), local.serdes(), run)).extracting(m -> m.getVersion())
          .containsExactly(0, 1);
      assertThat(shas.get(0)).as("model v0").isEqualTo(reference.steps().get(0).modelSha256());
      assertThat(shas.get(1)).as("model v1").isEqualTo(reference.steps().get(1).modelSha256());
    } finally {
      System.out.println("[local crash] " + String.join("; ", kills));
      for (Path log : List.of(layout.ownerLog().resolveSibling(layout.ownerLog().getFileName() + ".1"),
          layout.ownerLog())) {
        if (Files.exists(log)) {
          // the restart's timeline (ms since the owner JVM started)
          Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
              .filter(l -> TIMELINE.stream().anyMatch(l::contains))
              .forEach(l -> System.out.println("[local crash] " + log.getFileName() + ": " + l));
        }
      }
      LocalMode.down(layout, new PrintWriter(new StringWriter()));
    }
  }

  private static void start(Path tmp, String[] up) throws Exception {
    CliProcess.Result r = CliProcess.runWithOptions(tmp, COMMAND_TIMEOUT, JVM, up);
    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  /**
   * SIGKILL to every process of the running local mode at once: the owner and everything it started (the broker
   * child among them), and the broker named in local.json should it have left the owner's tree. Returns how many.
   */
  private static int killAll(LocalLayout layout) {
    LocalState state = LocalState.read(layout).orElseThrow();
    Set<ProcessHandle> all = new LinkedHashSet<>();
    ProcessHandle owner = LocalProcesses.alive(state.ownerPid()).orElseThrow();
    all.add(owner);
    owner.descendants().forEach(all::add);
    LocalProcesses.alive(state.brokerPid()).ifPresent(all::add);
    assertThat(all).extracting(ProcessHandle::pid).contains(state.brokerPid());
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : all) {
      assertThat(LocalProcesses.awaitExit(p, Duration.ofSeconds(30))).as("pid %d died", p.pid()).isTrue();
    }
    return all.size();
  }

  private static SelectorClient selector(LocalLayout layout) {
    String url = LocalState.read(layout).flatMap(LocalState::selectorUrl).orElseThrow();
    // longer than the query server's own wait for its stores (10 s), so an answer that comes late is not dropped
    return new SelectorClient(URI.create(url), Duration.ofSeconds(15));
  }

  private static Deployment localDeployment(LocalLayout layout) {
    LocalState s = LocalState.read(layout).orElseThrow();
    return Deployment.local(s.bootstrapServers(), s.schemaRegistryUrl(), Path.of(s.blobStore()));
  }

  /** Waits until step 1 exists and satisfies {@code condition}, asking the selector every 20 ms. */
  private static StepView awaitStep(SelectorClient selector, Predicate<StepView> condition) {
    StepView[] seen = new StepView[1];
    await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
      Optional<StepView> v = selector.step(1);
      seen[0] = v.orElse(null);
      return v.isPresent() && condition.test(v.get());
    });
    return seen[0];
  }

  private static String log(LocalLayout layout) throws Exception {
    return Files.exists(layout.ownerLog()) ? Files.readString(layout.ownerLog(), StandardCharsets.ISO_8859_1) : "";
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
  }
}
