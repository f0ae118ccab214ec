package io.adaptstream.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adaptstream.selector.query.ClusterView;
import io.adaptstream.selector.query.PoolView;
import io.adaptstream.selector.query.SelectionView;
import io.adaptstream.selector.query.SelectorClient;
import io.adaptstream.selector.query.StepView;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import io.adaptstream.runtime.metrics.ServiceMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
    }
  }

  @Test
  void shouldSelectTheSameWithTwoInstancesAndAnswerQueriesForBoth(KafkaTestEnv env) throws Exception {
    // given
    Scenario scenario = new Scenario(env);
    SelectorConfig a = new SelectorConfig(scenario.config(dir.resolve("a")));
    SelectorConfig b = new SelectorConfig(scenario.config(dir.resolve("b")));
    Scenario.Expected expected = scenario.expected(a);

    try (SelectorService first = new SelectorService(a); SelectorService second = new SelectorService(b);
        StandInServices pipeline = new StandInServices(env, scenario.catalogue)) {
      // when
      first.start();
      second.start();
      await().atMost(RUN).until(() -> first.state() == KafkaStreams.State.RUNNING
          && second.state() == KafkaStreams.State.RUNNING);
      pipeline.start();
      scenario.publishAll(pipeline);
      await().atMost(RUN).until(() -> pipeline.lastModel() == Scenario.STEPS);

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
    }
  }
}
