package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.ModelVersion;
import io.adaptstream.cli.run.RunTopics;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.run.demo.DemoData;
import io.adaptstream.cli.run.demo.DemoJob;
import io.adaptstream.cli.run.demo.DemoResult;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.selector.query.SelectorClient;
import io.adaptstream.selector.query.StepView;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of the whole pipeline: a 3-step run whose services each run in a JVM of their own is hit by SIGKILL
 * at seeded random points (scoring during step 1's scoring, the selector during step 2, the trainer during step 3's
 * training); every killed service is restarted with the same config. The run must end exactly as a run of the
 * same settings without kills over the same ingest log: the same selections at every step, written once each, and
 * the bit-identical model version 3.
 */
@ExtendWith(KafkaBrokerExtension.class)
class FaultIT {

  private static final long SEED = 20261122L;
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(4);

  @Test
  void shouldEndWithTheSameSelectionsAndModelAsAnUninterruptedRunWhenServicesAreKilledMidStep(KafkaTestEnv kafka,
      @TempDir Path tmp) throws Exception {
    Deployment deployment = new Deployment(kafka.bootstrapServers(), kafka.schemaRegistryUrl(),
        kafka.newCatalogue().prefix(), 3, (short) 1, tmp.resolve("blobs"));
    DemoData data = TinyRun.data(tmp.resolve("data"), 3, 48, 4);
    Map<String, String> overrides = new LinkedHashMap<>(TinyRun.overrides());
    // small transactions and batches, so a kill lands inside a phase rather than between two
    overrides.put("scoring.max.poll.records", "2");
    overrides.put("scoring.micro.batch", "2");
    overrides.put("trainer.batch.size", "2");
    overrides.put("trainer.epochs", "3");

    // given the reference: the run without kills (its services in this JVM), which also publishes the releases
    PipelineSettings clean = new PipelineSettings("clean", "adapt", 3, true, overrides);
    DemoResult reference = new DemoJob(ServiceLauncher.defaults(), deployment, clean, data, tmp.resolve("clean"),
        line -> System.out.println("[clean] " + line)).run();

    // when a second run over the same log has each service in its own JVM, and each is killed once mid-step
    PipelineSettings faulty = clean.withRun("faulty");
    Path work = tmp.resolve("faulty");
    int selectorPort = freePort();
    Map<String, ServiceProcess> services = new LinkedHashMap<>();
    Random random = new Random(SEED);
    List<String> kills = new ArrayList<>();
    try {
      for (String name : List.of("selector", "scoring", "trainer")) {
        Map<String, String> config = new HashMap<>(faulty.service(name, deployment, work));
        // a killed member leaves its group after the session timeout: keep that short so restarts are quick
        config.put("kafka.session.timeout.ms", "6000");
        config.put("kafka.heartbeat.interval.ms", "1500");
        if (name.equals("selector")) {
          config.put("selector.http.port", Integer.toString(selectorPort));
          config.put("selector.transaction.timeout.ms", "10000");
        }
        services.put(name, ServiceProcess.start(name, config, work.resolve("services")));
      }
      SelectorClient selector = new SelectorClient(URI.create("http://127.0.0.1:" + selectorPort),
          Duration.ofSeconds(5));

      // scoring: once a seeded share of step 1's pool is scored
      StepView requested = awaitStep(selector, 1, v -> v.poolSize() > 0 && !v.phase().equals("started"));
      long threshold = 1 + random.nextInt((int) Math.max(1, requested.poolSize() / 2));
      StepView atKill = awaitStep(selector, 1, v -> v.scores() >= threshold || !v.phase().equals("requested"));
      kill(services.get("scoring"), kills, "during step 1 at " + atKill.scores() + "/" + atKill.poolSize()
          + " scored (phase " + atKill.phase() + ")");
      services.get("scoring").start();

      // selector: a seeded delay into step 2
      awaitStep(selector, 2, v -> true);
      long delay = random.nextInt(1500);
      pause(delay);
      String phase = stepPhase(selector, 2);
      kill(services.get("selector"), kills, "during step 2, " + delay + " ms after it started (phase " + phase + ")");
      services.get("selector").start();

      // trainer: a seeded delay into step 3's training
      ServiceProcess trainer = services.get("trainer");
      await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(50))
          .until(() -> trainer.log().contains("version 3: training on"));
      long trainDelay = random.nextInt(400);
      pause(trainDelay);
      boolean published = trainer.log().contains("published adapt-vlm@3");
      kill(trainer, kills, "during step 3's training, " + trainDelay + " ms in (already published: " + published
          + ")");
      trainer.start();

      try (RunTopics topics = new RunTopics(deployment, "faulty", "adapt-vlm")) {
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
          topics.poll(Duration.ofMillis(100));
          return topics.evals().containsKey(3) && topics.models().containsKey(3);
        });
      }
    } finally {
      for (ServiceProcess s : services.values()) {
        s.close();
      }
      System.out.println("[faulty] kills: " + String.join("; ", kills));
    }

    // then every step selected exactly what the uninterrupted run selected, each sample once
    Map<Integer, List<String>> cleanSelections = RunLog.selections(kafka, deployment.catalogue("clean"));
    Map<Integer, List<String>> faultySelections = RunLog.selections(kafka, deployment.catalogue("faulty"));
    assertThat(cleanSelections).hasSize(3);
    assertThat(RunLog.sorted(cleanSelections)).isEqualTo(reference.selections());
    assertThat(RunLog.sorted(faultySelections)).isEqualTo(RunLog.sorted(cleanSelections));
    faultySelections.forEach((step, ids) -> assertThat(ids).as("step %d selected once each", step)
        .doesNotHaveDuplicates());
    // every sample scored once per step, and every model version published once
    assertThat(RunLog.scoreCounts(kafka, deployment.catalogue("faulty"))).allSatisfy((key, n) -> assertThat(n)
        .as("scores of %s", key).isEqualTo(1));
    List<ModelVersion> versions = RunLog.models(kafka, deployment.catalogue("faulty"));
    assertThat(versions).extracting(ModelVersion::getVersion).containsExactly(0, 1, 2, 3);
    // and the final model is bit-identical
    Map<Integer, String> faultyShas = versions.stream().collect(Collectors.toMap(ModelVersion::getVersion,
        ModelVersion::getSha256));
    assertThat(faultyShas.get(3)).isEqualTo(reference.steps().get(3).modelSha256());
    for (int v = 0; v <= 3; v++) {
      assertThat(faultyShas.get(v)).as("model v%d", v).isEqualTo(reference.steps().get(v).modelSha256());
    }
    assertThat(kills).hasSize(3);
  }

  private static void kill(ServiceProcess service, List<String> kills, String when) throws InterruptedException {
    service.kill();
    kills.add(service.name() + " " + when);
    System.out.println("[faulty] SIGKILL " + service.name() + " " + when);
  }

  /** Waits until step {@code t} exists and satisfies {@code condition}, asking the selector every 20 ms. */
  private static StepView awaitStep(SelectorClient selector, int t, Predicate<StepView> condition) {
    StepView[] seen = new StepView[1];
    await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
      Optional<StepView> v = selector.step(t);
      seen[0] = v.orElse(null);
      return v.isPresent() && condition.test(v.get());
    });
    return seen[0];
  }

  /** A seeded point in time: the kill lands this long after the event, wherever the service then is. */
  private static void pause(long millis) {
    await().pollDelay(Duration.ofMillis(millis)).atMost(Duration.ofMillis(millis + 1000)).until(() -> true);
  }

  private static String stepPhase(SelectorClient selector, int t) {
    try {
      return selector.step(t).map(StepView::phase).orElse("not started");
    } catch (RuntimeException e) {
      return "unknown: " + e.getMessage();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
