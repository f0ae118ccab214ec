package io.adaptstream.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.runtime.ProducerFactory;
import io.adaptstream.runtime.metrics.ConsumerGroupLag;
import io.adaptstream.runtime.metrics.ServiceMeters;
import io.adaptstream.testing.DyingProducer;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class ScoringIT {

  private static final int PER_PARTITION = 12;

  @TempDir Path dir;

  @Test
  void shouldScoreEveryGoodSampleOnItsPartitionAndForwardMarkersWithExactCounts(KafkaTestEnv kafka)
      throws Exception {
    // given a published model and a step of requests (with a missing image and a garbage record) on 3 partitions
    try (Scenario scenario = new Scenario(kafka, dir).publishModel().writeRequests(PER_PARTITION)) {
      ScoringService service = scenario.service("solo", Map.of(), ProducerFactory.KAFKA);

      // when the service runs
      Future<?> running = scenario.start(service);
      List<ConsumerRecord<String, ScoresEvent>> scores = scenario.awaitAllScores();

      // then every good sample has one score on its request's partition, and the markers add up
      scenario.assertExactlyOnce(scores);
      scenario.assertDeadLetters();
      // and its meters count them, with its Kafka clients' own metrics and its group's lag
      MeterRegistry meters = service.meterRegistry();
      assertThat(meters.get(ScoringMetrics.SAMPLES).tag("outcome", "scored").counter().count())
          .isEqualTo(scores.stream().filter(r -> r.value().getPayload() instanceof SampleScores).count());
      for (String reason : List.of("missing_blob", "undeserialisable")) {
        assertThat(meters.get(ServiceMeters.DEAD_LETTERS).tags("service", "scoring", "reason", reason).counter()
            .count()).isEqualTo(1.0);
      }
      assertThat(meters.get("kafka.consumer.fetch.manager.records.consumed.total").tag("service", "scoring")
          .functionCounters()).anySatisfy(c -> assertThat(c.count()).isPositive());
      assertThat(meters.find("kafka.producer.record.send.total").functionCounters()).isNotEmpty();
      // (the lag may count one commit marker per partition once caught up: they are offsets no record holds)
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(meters.get(ConsumerGroupLag.NAME).tag("service", "scoring").gauge().value())
              .isBetween(0.0, 3.0));
      Scenario.logThroughput("one worker", service.meterRegistry());
      service.close();
      running.get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldSplitThePartitionsBetweenTwoInstancesAndStillScoreEverySampleOnce(KafkaTestEnv kafka)
      throws Exception {
    // given a published model and two service instances in the same group, each owning some partitions
    try (Scenario scenario = new Scenario(kafka, dir).publishModel()) {
      ScoringService a = scenario.service("a", Map.of(), ProducerFactory.KAFKA);
      ScoringService b = scenario.service("b", Map.of(), ProducerFactory.KAFKA);
      scenario.start(a);
      scenario.start(b);
      await().atMost(Scenario.WAIT).until(() -> !a.assignment().isEmpty() && !b.assignment().isEmpty()
          && a.assignment().size() + b.assignment().size() == 3);
      Set<TopicPartition> all = new HashSet<>(a.assignment());
      all.addAll(b.assignment());

      // when a step of requests arrives
      scenario.writeRequests(PER_PARTITION);
      List<ConsumerRecord<String, ScoresEvent>> scores = scenario.awaitAllScores();

      // then both did part of the work, and the output holds every sample exactly once
      assertThat(all).hasSize(3);
      assertThat(scored(a)).isPositive();
      assertThat(scored(b)).isPositive();
      scenario.assertExactlyOnce(scores);
      scenario.assertDeadLetters();
      Scenario.logThroughput("instance a", a.meterRegistry());
      Scenario.logThroughput("instance b", b.meterRegistry());
    }
  }

  @Test
  void shouldScoreEverySampleExactlyOnceWhenAWorkerDiesMidStepAndAnotherTakesOver(KafkaTestEnv kafka)
      throws Exception {
    // given a step of requests and a worker that reads 4 records per transaction and dies before its 2nd commit,
    // with that transaction's scores and offsets already on the broker
    try (Scenario scenario = new Scenario(kafka, dir).publishModel().writeRequests(PER_PARTITION)) {
      AtomicReference<DyingProducer<String, SpecificRecord>> crashing = new AtomicReference<>();
      ProducerFactory dying = (props, keys, values) -> {
        DyingProducer<String, SpecificRecord> p =
            DyingProducer.atCommit(new KafkaProducer<>(props, keys, values), "the scoring worker", 1);
        crashing.set(p);
        return p;
      };
      ScoringService doomed = scenario.service("doomed", Map.of("scoring.max.poll.records", "4",
          "kafka.transaction.timeout.ms", "3000"), dying);

      // when it runs until it dies
      Future<?> running = scenario.start(doomed);
      assertThatThrownBy(() -> running.get(Scenario.WAIT.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasRootCauseMessage("simulated crash: the scoring worker is dead");
      assertThat(crashing.get().isDead()).isTrue();

      // then it committed one transaction, in the middle of the step: open counts travel with the offsets
      Map<TopicPartition, OffsetAndMetadata> committed = kafka.admin()
          .listConsumerGroupOffsets(scenario.topics.runScopedName(ScoringConfig.SERVICE_NAME))
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      assertThat(committed.values()).anySatisfy(om -> assertThat(om.metadata()).matches("v1:1=[1-9][0-9]*"));

      // when another instance takes over
      ScoringService successor = scenario.service("successor", Map.of("scoring.max.poll.records", "4"),
          ProducerFactory.KAFKA);
      scenario.start(successor);
      List<ConsumerRecord<String, ScoresEvent>> scores = scenario.awaitAllScores();

      // then the committed output holds every sample once and the marker counts still add up
      scenario.assertExactlyOnce(scores);
      scenario.assertDeadLetters();
      Scenario.logThroughput("successor", successor.meterRegistry());
    }
  }

  private static double scored(ScoringService service) {
    return service.meterRegistry().find(ScoringMetrics.SAMPLES).tag("outcome", "scored").counter().count();
  }
}
