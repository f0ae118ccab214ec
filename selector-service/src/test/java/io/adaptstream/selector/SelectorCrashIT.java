package io.adaptstream.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.SampleProvenance;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** An instance that dies in the middle of a step, and its restart, select exactly what an uninterrupted run does. */
@ExtendWith(KafkaBrokerExtension.class)
class SelectorCrashIT {

  private static final Duration RUN = Duration.ofSeconds(120);

  @TempDir
  Path dir;

  @AfterEach
  void disarm() {
    CrashingProcessorWrapper.disarm();
  }

  /** What a test checks: after the crash (before the restart), then once the restarted instance ended the run. */
  private interface Checks {
    default void afterCrash(StandInServices pipeline) {}

    void afterRun(StandInServices pipeline, SelectorService restarted) throws Exception;
  }

  /**
   * Runs the scenario with an instance armed to die in {@code processor} after {@code records} records of step 2
   * (its work uncommitted), restarts it on the same state directory and lets the run end.
   */
  private void crashAndRestart(KafkaTestEnv env, Scenario scenario, String processor, int records, Checks checks)
      throws Exception {
    Map<String, String> settings = scenario.config(dir.resolve("state"));
    settings.put("kafka.processor.wrapper.class", CrashingProcessorWrapper.class.getName());
    // a crashed member never leaves the group: let the broker drop it after 6 s rather than the default 45 s
    settings.put("kafka.session.timeout.ms", "6000");
    settings.put("kafka.heartbeat.interval.ms", "1000");
    SelectorConfig config = new SelectorConfig(settings);
    try (StandInServices pipeline = new StandInServices(env, scenario.catalogue)) {
      pipeline.beforePublish = t -> {
        if (t == 1) {
          CrashingProcessorWrapper.crashAfter(processor, records);
        }
      };
      SelectorService doomed = new SelectorService(config);
      doomed.start();
      pipeline.start();
      scenario.publishAll(pipeline);
      await().atMost(RUN).until(() -> doomed.state() == KafkaStreams.State.ERROR);
      doomed.close();
      checks.afterCrash(pipeline);
      try (SelectorService restarted = new SelectorService(config)) {
        restarted.start();
        await().atMost(RUN).until(() -> pipeline.lastModel() == Scenario.STEPS);
        checks.afterRun(pipeline, restarted);
      }
    }
  }

  @Test
  void shouldSelectAsAnUninterruptedRunAfterAnInstanceDiesMidStepAndRestarts(KafkaTestEnv env) throws Exception {
    // given a run whose score collector dies on its 40th record of step 2, with that step's work uncommitted
    Scenario scenario = new Scenario(env);
    Scenario.Expected expected = scenario.expected(new SelectorConfig(scenario.config(dir.resolve("reference"))));

    // when it runs, crashes and restarts
    crashAndRestart(env, scenario, "score-collector", 40, new Checks() {
      @Override
      public void afterCrash(StandInServices pipeline) {
        assertThat(pipeline.lastModel()).as("step 2 did not complete before the crash").isEqualTo(1);
      }

      @Override
      public void afterRun(StandInServices pipeline, SelectorService restarted) {
        // then
        scenario.assertMatchesReference(pipeline, expected);
        assertThat(restarted.state()).isEqualTo(KafkaStreams.State.RUNNING);
      }
    });
  }

  @Test
  void shouldCommitEachSamplesProvenanceOnceWhenACrashAbortsAClusterDecision(KafkaTestEnv env) throws Exception {
    // given a run whose cluster selectors die on the last by-cluster record of step 2 (150 members and 3 x 3
    // markers): the record that completes the last partition's barrier, right after its decision sent its
    // selections, deletions and provenance, before they commit
    Scenario scenario = new Scenario(env);
    Scenario.Expected expected = scenario.expected(new SelectorConfig(scenario.config(dir.resolve("reference"))));

    // when it runs, crashes and restarts
    crashAndRestart(env, scenario, "cluster-selector", 150 + 9, (pipeline, restarted) -> {
      // then: the committed provenance has each (step, sample) once, and says what the reference decided
      scenario.assertMatchesReference(pipeline, expected);
      List<SampleProvenance> records = env.readAll(scenario.catalogue.provenance, RUN).stream()
          .map(ConsumerRecord::value).toList();
      assertThat(records).extracting(p -> p.getStep() + "/" + p.getSampleId()).doesNotHaveDuplicates()
          .hasSize(90 + 150 + 150);
      for (int t = 1; t <= Scenario.STEPS; t++) {
        assertThat(Scenario.provenanceIds(records, t, SampleProvenance::getSelected)).as("selected at step %d", t)
            .isEqualTo(expected.plans().get(t - 1).selectedIds());
        assertThat(Scenario.provenanceIds(records, t, SampleProvenance::getPruned)).as("pruned at step %d", t)
            .isEqualTo(expected.plans().get(t - 1).prunedIds());
      }
    });
  }
}
