package io.adaptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.schemas.DeadLetters;
import io.adaptstream.trainer.TrainerListener.Phase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerMetricsTest {

  private static ModelVersion version(int v) {
    return ModelVersion.newBuilder().setModel("m").setVersion(v).setUri("file:///c").setSha256("ab")
        .setConfig("{}").build();
  }

  private static EvalResult evaluation(int v, double avg) {
    return EvalResult.newBuilder().setModel("m").setVersion(v).setAccuracy(Map.of("vqa.colour", avg))
        .setSupport(Map.of("vqa.colour", 10L)).setAvgAccuracy(avg).build();
  }

  @Test
  void shouldTimeEveryPhaseAndPassEachCallbackOnWhenAVersionIsMade() {
    // given metrics in front of a listener that records what it hears
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<String> heard = new ArrayList<>();
    TrainerListener caller = new TrainerListener() {
      @Override
      public void onPhase(int version, Phase phase) {
        heard.add(phase.name());
      }

      @Override
      public void onTrainingStep(int version, int step, int totalSteps, int stepsPerEpoch, float loss) {
        heard.add("step " + step);
      }

      @Override
      public void onPublished(ModelVersion version, EvalResult evaluation) {
        heard.add("published " + version.getVersion());
      }
    };
    TrainerMetrics metrics = new TrainerMetrics(registry, caller);

    // when version 1 goes through every phase, two optimizer steps and a commit with a dead letter
    metrics.onPhase(1, Phase.WAITING_FOR_INGEST);
    metrics.onPhase(1, Phase.COLLECTING);
    metrics.onPhase(1, Phase.TRAINING);
    metrics.onTrainingStep(1, 0, 2, 2, 2.5f);
    metrics.onTrainingStep(1, 1, 2, 2, 1.25f);
    metrics.onPhase(1, Phase.EVALUATING);
    metrics.onPhase(1, Phase.COMMITTING);
    DeadLetter dl = DeadLetters.of("adapt.selections", 0, 4, "trainer", "unknown_step", "step 9", null, null);
    metrics.deadLettersCommitted(List.of(dl));
    metrics.onPublished(version(1), evaluation(1, 0.25));
    String scrape = registry.scrape();

    // then each phase is timed once, the gauges hold the newest values, and the caller heard everything
    for (String phase : List.of("waiting_for_ingest", "collecting", "training", "evaluation", "publishing")) {
      assertThat(scrape).contains("adapt_step_phase_seconds_count{phase=\"" + phase + "\",service=\"trainer\"} 1");
    }
    assertThat(scrape)
        .contains("adapt_trainer_loss{service=\"trainer\"} 1.25")
        .contains("adapt_trainer_optimizer_steps_total{service=\"trainer\"} 2.0")
        .contains("adapt_trainer_model_version{service=\"trainer\"} 1.0")
        .contains("adapt_trainer_accuracy{service=\"trainer\"} 0.25")
        .contains("adapt_trainer_versions_published_total{service=\"trainer\"} 1.0")
        .contains("adapt_dead_letters_total{reason=\"unknown_step\",service=\"trainer\"} 1.0");
    assertThat(heard).containsExactly("WAITING_FOR_INGEST", "COLLECTING", "TRAINING", "step 0", "step 1",
        "EVALUATING", "COMMITTING", "published 1");
  }

  @Test
  void shouldShowTheNewInstancesValuesWhenATrainerIsRestartedOnTheSameRegistry() {
    // given a registry that outlives a trainer (local mode), and a first trainer that published version 1
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new TrainerMetrics(registry, TrainerListener.NONE).onPublished(version(1), evaluation(1, 0.5));

    // when its successor publishes version 2
    TrainerMetrics successor = new TrainerMetrics(registry, TrainerListener.NONE);
    successor.onPublished(version(2), evaluation(2, 0.75));

    // then one gauge shows the successor's version, and the counter goes on
    assertThat(registry.find(TrainerMetrics.MODEL_VERSION).gauges()).singleElement()
        .satisfies(g -> assertThat(g.value()).isEqualTo(2.0));
    assertThat(registry.get(TrainerMetrics.VERSIONS_PUBLISHED).counter().count()).isEqualTo(2.0);
  }

  @Test
  void shouldShowNoVersionWhenNothingWasPublished() {
    // given
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    // when
    new TrainerMetrics(registry, TrainerListener.NONE);

    // then
    assertThat(registry.get(TrainerMetrics.MODEL_VERSION).gauge().value()).isEqualTo(-1.0);
  }
}
