package io.adaptstream.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.SampleProvenance;
import io.adaptstream.runtime.metrics.ServiceMeters;
import io.adaptstream.selector.query.ClusterView;
import io.adaptstream.selector.query.PoolView;
import io.adaptstream.selector.query.ProvenanceView;
import io.adaptstream.selector.query.SelectionView;
import io.adaptstream.selector.query.SelectorClient;
import io.adaptstream.selector.query.StepView;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The selector on the real broker (3 data partitions) with a fake scoring worker and trainer around it. */
@ExtendWith(KafkaBrokerExtension.class)
class SelectorServiceIT {

  private static final Duration RUN = Duration.ofSeconds(120);

  @TempDir
  Path dir;

  @Test
  void shouldRunThreeStepsExactlyAsTheSingleJvmPlannerWithOneInstance(KafkaTestEnv env) throws Exception {
    // given
    Scenario scenario = new Scenario(env);
    SelectorConfig config = new SelectorConfig(scenario.config(dir.resolve("a")));
    Scenario.Expected expected = scenario.expected(config);

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (SelectorService service = new SelectorService(config, meters); StandInServices pipeline =
        new StandInServices(env, scenario.catalogue)) {
      // when
      service.start();
      pipeline.start();
      scenario.publishAll(pipeline);
      await().atMost(RUN).until(() -> pipeline.lastModel() == Scenario.STEPS);

      // then
      scenario.assertMatchesReference(pipeline, expected);
      SelectorClient client = new SelectorClient(service.httpAddress().orElseThrow());
      List<StepView> steps = client.steps();
      assertThat(steps).extracting(StepView::step).containsExactly(1, 2, 3);
      assertThat(steps).allSatisfy(s -> assertThat(s.phase()).isEqualTo("done"));
      assertThat(steps.get(0).poolSize()).isEqualTo(90);
      assertThat(client.selections(2)).extracting(SelectionView::sampleId)
          .containsExactlyElementsOf(expected.plans().get(1).selectedIds());
      List<ClusterView> clusters = client.clusters(1);
      assertThat(clusters).hasSize(3).allSatisfy(c -> {
        assertThat(c.fitted()).isPositive();
        assertThat(c.centroidNorm()).isBetween(0.0, 1.0 + 1e-9);
        assertThat(c.scorer()).isNotBlank();
      });
      assertThat(clusters.stream().mapToLong(ClusterView::size).sum()).isEqualTo(90);
      PoolView pool = client.pool();
      assertThat(pool.size()).isEqualTo(expected.finalPool().size());
      assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
      // and its meters: the last step, what it selected and pruned, and Kafka Streams' own metrics
      assertThat(meters.get(SelectorMetrics.STEP).gauge().value()).isEqualTo(Scenario.STEPS);
      assertThat(meters.get(SelectorMetrics.SELECTED).counter().count())
          .isEqualTo(expected.plans().stream().mapToLong(p -> p.selectedIds().size()).sum());
      assertThat(meters.get(ServiceMeters.STEP_PHASE).tag("phase", SelectorMetrics.PHASE_CLUSTERING).timer().count())
          .isEqualTo(Scenario.STEPS);
      assertThat(meters.getMeters()).anyMatch(m -> m.getId().getName().startsWith("kafka.stream."));
      // and a sample the step never saw is a 404 that says why
      HttpResponse<String> missing = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(service.httpAddress().orElseThrow() + "/steps/1/samples/" + "0".repeat(64))).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.body()).contains("no provenance of sample " + "0".repeat(64) + " at step 1");
    }
  }

  /** What a test checks once both instances have run every step. */
  private interface TwoInstanceChecks {
    void check(SelectorService first, SelectorService second, StandInServices pipeline) throws Exception;
  }

  /** Starts two instances on their own state directories, waits until both run, then runs the scenario's steps. */
  private void runWithTwoInstances(KafkaTestEnv env, Scenario scenario, TwoInstanceChecks checks) throws Exception {
    SelectorConfig a = new SelectorConfig(scenario.config(dir.resolve("a")));
    SelectorConfig b = new SelectorConfig(scenario.config(dir.resolve("b")));
    try (SelectorService first = new SelectorService(a); SelectorService second = new SelectorService(b);
        StandInServices pipeline = new StandInServices(env, scenario.catalogue)) {
      first.start();
      second.start();
      await().atMost(RUN).until(() -> first.state() == KafkaStreams.State.RUNNING
          && second.state() == KafkaStreams.State.RUNNING);
      pipeline.start();
      scenario.publishAll(pipeline);
      await().atMost(RUN).until(() -> pipeline.lastModel() == Scenario.STEPS);
      checks.check(first, second, pipeline);
    }
  }

  @Test
  void shouldWriteEveryDecidedSamplesProvenanceAndAnswerForItFromEitherInstance(KafkaTestEnv env)
      throws Exception {
    // given
    Scenario scenario = new Scenario(env);
    Scenario.Expected expected = scenario.expected(new SelectorConfig(scenario.config(dir.resolve("a"))));

    // when two instances run the scenario
    runWithTwoInstances(env, scenario, (first, second, pipeline) -> {

      // then: on the topic, committed with the steps, one record per sample decided at each step
      List<ConsumerRecord<String, SampleProvenance>> records = env.readAll(scenario.catalogue.provenance, RUN);
      Map<Integer, List<SampleProvenance>> byStep = records.stream().map(ConsumerRecord::value)
          .collect(Collectors.groupingBy(SampleProvenance::getStep));
      assertThat(byStep.keySet()).containsExactly(1, 2, 3);
      assertThat(byStep.get(1)).hasSize(90);
      for (int t = 1; t <= Scenario.STEPS; t++) {
        List<SampleProvenance> step = byStep.get(t);
        assertThat(Scenario.provenanceIds(step, t, SampleProvenance::getSelected))
            .isEqualTo(expected.plans().get(t - 1).selectedIds());
        assertThat(Scenario.provenanceIds(step, t, SampleProvenance::getPruned))
            .isEqualTo(expected.plans().get(t - 1).prunedIds());
        assertThat(step).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(p.getStep() - 1));
      }
      assertThat(records).allSatisfy(r -> assertThat(r.key())
          .isEqualTo(String.format("%010d/%s", r.value().getStep(), r.value().getSampleId())));
      // and either instance answers for every sample, whichever holds its partition
      String selectedAt3 = expected.plans().get(2).selectedIds().first();
      String prunedAt2 = expected.plans().get(1).prunedIds().first(); // step 1 fills the pool: none pruned
      for (SelectorService instance : List.of(first, second)) {
        SelectorClient client = new SelectorClient(instance.httpAddress().orElseThrow());
        ProvenanceView selected = await().atMost(RUN).until(() -> client.sample(3, selectedAt3), o -> o.isPresent())
            .orElseThrow();
        assertThat(selected.selected()).isTrue();
        assertThat(selected.selection()).startsWith("selected: ");
        assertThat(selected.modelVersion()).isEqualTo(2);
        ProvenanceView pruned = await().atMost(RUN).until(() -> client.sample(2, prunedAt2), o -> o.isPresent())
            .orElseThrow();
        assertThat(pruned.pruned()).isTrue();
        assertThat(pruned.pruneReason()).isIn("near-duplicate", "over-cap");
        assertThat(pruned.duplicateOf()).isNotBlank();
        assertThat(client.sample(3, prunedAt2)).isEmpty();
      }
    });
  }

  @Test
  void shouldSelectTheSameWithTwoInstancesAndAnswerQueriesForBoth(KafkaTestEnv env) throws Exception {
    // given
    Scenario scenario = new Scenario(env);
    Scenario.Expected expected = scenario.expected(new SelectorConfig(scenario.config(dir.resolve("a"))));

    // when two instances run the scenario
    runWithTwoInstances(env, scenario, (first, second, pipeline) -> {

      // then
      scenario.assertMatchesReference(pipeline, expected);
      assertThat(first.streams().metadataForAllStreamsClients()).hasSize(2);
      for (SelectorService instance : List.of(first, second)) {
        SelectorClient client = new SelectorClient(instance.httpAddress().orElseThrow());
        assertThat(client.steps()).extracting(StepView::step).containsExactly(1, 2, 3);
        assertThat(client.selections(3)).extracting(SelectionView::sampleId)
            .containsExactlyElementsOf(expected.plans().get(2).selectedIds());
        assertThat(client.clusters(3)).allSatisfy(c -> assertThat(c.size()).isNotNull());
        assertThat(client.pool().size()).isEqualTo(expected.finalPool().size());
      }
    });
  }
}
