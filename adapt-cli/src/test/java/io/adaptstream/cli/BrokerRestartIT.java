package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.ModelVersion;
import io.adaptstream.cli.local.BrokerProcess;
import io.adaptstream.cli.run.RunTopics;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.run.demo.DemoData;
import io.adaptstream.cli.run.demo.DemoJob;
import io.adaptstream.cli.run.demo.DemoResult;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.localregistry.LocalSchemaRegistry;
import io.adaptstream.selector.query.SelectorClient;
import io.adaptstream.selector.query.StepView;
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
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker alone killed and restarted: the services of a run, each in a JVM of its own ({@code adapt serve}),
 * keep running while their broker (local mode's broker JVM, on a data directory of its own) gets SIGKILL in the
 * middle of step 1, once while the step is being scored and once while its model is being trained, and comes back
 * a few seconds later on the same directory and ports. No service is restarted; the run must end exactly as a run
 * of the same settings without the outages over the same ingest log: the same selection, each sample selected and
 * scored once, every model version published once and bit-identical.
 */
class BrokerRestartIT {

  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(4);
  /** How long the broker stays down. */
  private static final Duration OUTAGE = Duration.ofSeconds(5);

  @Test
  void shouldRecoverWithoutRestartsAndEndAsAnUninterruptedRunWhenTheBrokerIsKilledAndRestartedMidStep(
      @TempDir Path tmp) throws Exception {
    List<String> outages = new ArrayList<>();
    try (BrokerProcess broker = BrokerProcess.start(tmp.resolve("broker"));
        LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
      Deployment deployment = new Deployment(broker.bootstrapServers(), registry.url(), "restart", 3, (short) 1,
          tmp.resolve("blobs"));
      DemoData data = TinyRun.data(tmp.resolve("data"), 1, 48, 4);
      Map<String, String> overrides = new LinkedHashMap<>(TinyRun.overrides());
      // small transactions and batches and a longer training, so each outage lands inside its phase
      overrides.put("scoring.max.poll.records", "2");
      overrides.put("scoring.micro.batch", "2");
      overrides.put("trainer.batch.size", "2");
      overrides.put("trainer.epochs", "20");

      // given the reference: the run without outages (its services in this JVM), which also publishes the releases
      PipelineSettings clean = new PipelineSettings("clean", "adapt", 0, true, overrides);
      DemoResult reference = new DemoJob(ServiceLauncher.defaults(), deployment, clean, data, tmp.resolve("clean"),
          line -> System.out.println("[clean] " + line)).run();

      // and a second run over the same log, each service in its own JVM
      PipelineSettings faulty = clean.withRun("faulty");
      Path work = tmp.resolve("faulty");
      int selectorPort = freePort();
      Map<String, ServiceProcess> services = new LinkedHashMap<>();
      try {
        for (String name : List.of("selector", "scoring", "trainer")) {
          Map<String, String> config = new HashMap<>(faulty.service(name, deployment, work));
          if (name.equals("selector")) {
            config.put("selector.http.port", Integer.toString(selectorPort));
          }
          services.put(name, ServiceProcess.start(name, config, work.resolve("services")));
        }
        SelectorClient selector = new SelectorClient(URI.create("http://127.0.0.1:" + selectorPort),
            Duration.ofSeconds(5));

        // when the broker is killed while step 1 is being scored, and restarted after a few seconds
        StepView scoring = awaitStep(selector, v -> v.poolSize() > 0 && v.scores() >= v.poolSize() / 3
            || !v.phase().equals("requested") && !v.phase().equals("started"));
        assertThat(scoring.phase()).as("killed while scoring").isEqualTo("requested");
        assertThat(scoring.scores()).isLessThan(scoring.poolSize());
        long t0 = outage(broker);
        awaitStep(selector, v -> v.scores() > scoring.scores());
        outages.add("during scoring at " + scoring.scores() + "/" + scoring.poolSize() + " scored: scoring went on "
            + seconds(System.nanoTime() - t0) + " s after the restart");

        // and again while model version 1 is being trained
        ServiceProcess trainer = services.get("trainer");
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(20))
            .until(() -> trainer.log().contains("version 1: training on"));
        assertThat(trainer.log()).as("killed before version 1 was published").doesNotContain("published adapt-vlm@1");
        long t1 = outage(broker);
        try (RunTopics topics = new RunTopics(deployment, "faulty", "adapt-vlm")) {
          await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            topics.poll(Duration.ofMillis(100));
            return topics.evals().containsKey(1) && topics.models().containsKey(1);
          });
        }
        outages.add("during training of v1: v1 and its evaluation published " + seconds(System.nanoTime() - t1)
            + " s after the restart");

        // then no service died or was restarted
        services.values().forEach(s -> assertThat(s.isAlive()).as("%s still runs", s.name()).isTrue());
      } finally {
        for (ServiceProcess s : services.values()) {
          s.close();
          // what each service said about the outages
          s.log().lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).distinct().limit(20)
              .forEach(l -> System.out.println("[broker restart] " + s.name() + ": " + l));
        }
        System.out.println("[broker restart] " + String.join("; ", outages));
      }

      // and the step selected what the uninterrupted run selected, each sample once
      String bootstrap = broker.bootstrapServers();
      Map<Integer, List<String>> selections = RunLog.selections(bootstrap, deployment.serdes(),
          deployment.catalogue("faulty"));
      assertThat(RunLog.sorted(selections)).isEqualTo(reference.selections());
      selections.forEach((step, ids) -> assertThat(ids).as("step %d selected once each", step)
          .doesNotHaveDuplicates());
      // every sample scored once, every model version published once, and the models are bit-identical
      assertThat(RunLog.scoreCounts(bootstrap, deployment.serdes(), deployment.catalogue("faulty")))
          .isNotEmpty().allSatisfy((key, n) -> assertThat(n).as("scores of %s", key).isEqualTo(1));
      List<ModelVersion> versions = RunLog.models(bootstrap, deployment.serdes(), deployment.catalogue("faulty"));
      assertThat(versions).extracting(ModelVersion::getVersion).containsExactly(0, 1);
      Map<Integer, String> shas = versions.stream().collect(Collectors.toMap(ModelVersion::getVersion,
          ModelVersion::getSha256));
      for (int v = 0; v <= 1; v++) {
        assertThat(shas.get(v)).as("model v%d", v).isEqualTo(reference.steps().get(v).modelSha256());
      }
    }
  }

  /** SIGKILL to the broker, {@link #OUTAGE} without it, then the same broker again; returns when it answers. */
  private static long outage(BrokerProcess broker) throws InterruptedException {
    long pid = broker.pid();
    broker.kill();
    System.out.println("[broker restart] SIGKILL broker pid " + pid);
    await().pollDelay(OUTAGE).atMost(OUTAGE.plusSeconds(1)).until(() -> true);
    long t0 = System.nanoTime();
    broker.restart();
    System.out.println("[broker restart] broker back (pid " + broker.pid() + "), answering "
        + seconds(System.nanoTime() - t0) + " s after its start");
    return System.nanoTime();
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

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
