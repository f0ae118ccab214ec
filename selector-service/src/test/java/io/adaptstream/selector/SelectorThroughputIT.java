package io.adaptstream.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.Sample;
import io.adaptstream.avro.ScoreRequest;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.schemas.serde.ConfluentAvroDeserializer;
import io.adaptstream.schemas.serde.ConfluentAvroSerializer;
import io.adaptstream.selector.query.SelectorClient;
import io.adaptstream.selector.query.StepView;
import io.adaptstream.selector.topology.StepKeys;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a test (it asserts nothing about speed): score records per second through the whole selector
 * topology, next to a plain consumer reading the same scores topic in the same run. The ratio is the figure.
 *
 * <p>The selector first builds its pool and sends step 1's requests, and is stopped; the scores of every request
 * (and the scoring markers) are then written; a plain read_committed consumer reads and decodes that topic end to
 * end; then the selector restarts, and its time runs from RUNNING to step 1's "selection done" (its own clock):
 * collection, reservoir, k-means, assignment, pruning and selection of the whole step.
 *
 * <p>{@code mvn -B -q -pl selector-service verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=SelectorThroughputIT -Dselector.benchmark=true [-Dselector.benchmark.samples=20000]
 * [-Dselector.benchmark.threads=1] [-Dselector.benchmark.commit.ms=100]}
 */
@ExtendWith(KafkaBrokerExtension.class)
@EnabledIfSystemProperty(named = "selector.benchmark", matches = "true")
class SelectorThroughputIT {

  private static final int SKETCH_DIM = 128;
  private static final int EMBEDDING_DIM = 32;

  @TempDir
  Path dir;

  @Test
  void measureScoresPerSecondThroughTheSelectorAgainstAPlainConsumer(KafkaTestEnv env) throws Exception {
    int samples = Integer.getInteger("selector.benchmark.samples", 20_000);
    Scenario scenario = new Scenario(env);
    Map<String, String> settings = scenario.config(dir.resolve("state"));
    settings.putAll(Map.of("selector.budget", "400", "selector.pool.cap", "1500", "selector.k", "10",
        "selector.reservoir", "2000", "selector.threads", System.getProperty("selector.benchmark.threads", "1"),
        "selector.commit.interval.ms", System.getProperty("selector.benchmark.commit.ms", "100")));
    SelectorConfig config = new SelectorConfig(settings);
    var cat = scenario.catalogue;
    List<Sample> release = TestData.release("r1", samples, 0, 99);

    // 1. the pool and step 1's requests
    try (SelectorService selector = new SelectorService(config); Pipeline ingest = new Pipeline(env, cat)) {
      selector.start();
      ingest.publish("r1", 1, release);
      ingest.publishModel(0);
      SelectorClient client = new SelectorClient(selector.httpAddress().orElseThrow());
      await().atMost(Duration.ofMinutes(5)).until(() -> client.step(1).map(s -> s.requestedAtMs() >= 0)
          .orElse(false));
    }

    // 2. every request's scores, partition-aligned, then the scoring markers
    ConfluentAvroSerializer<SpecificRecord> serializer = env.serdes().serializer();
    int n = cat.scores.partitions();
    long[] perPartition = new long[n];
    long bytes = 0;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(env.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      for (ConsumerRecord<String, ScoreRequestEvent> r : env.readAll(cat.scoreRequests, Duration.ofMinutes(2))) {
        if (r.value().getPayload() instanceof ScoreRequest req) {
          byte[] value = serializer.serialize(cat.scores.name(),
              new ScoresEvent(TestData.scores(req, SKETCH_DIM, EMBEDDING_DIM)));
          bytes += value.length;
          producer.send(new ProducerRecord<>(cat.scores.name(), r.partition(), req.getSample().getId(), value));
          perPartition[r.partition()]++;
        }
      }
      for (int p = 0; p < n; p++) {
        for (int q = 0; q < n; q++) {
          StepMarker m = StepMarker.newBuilder().setStep(1).setSourcePartition(p).setCount(q == p ? perPartition[p] : 0)
              .setSourcePartitions(n).setTargetPartition(q).build();
          producer.send(new ProducerRecord<>(cat.scores.name(), q, StepKeys.marker(1, p),
              serializer.serialize(cat.scores.name(), new ScoresEvent(m))));
        }
      }
      producer.flush();
    }
    long records = java.util.Arrays.stream(perPartition).sum();
    assertThat(records).isEqualTo(samples);

    // 3. a plain consumer reading and decoding the same topic (best of three: the machine is shared)
    long total = records + (long) n * n;
    long coldConsumerMs = plainRead(env, cat.scores.name(), total);
    long consumerMs = coldConsumerMs;
    for (int i = 0; i < 2; i++) {
      consumerMs = Math.min(consumerMs, plainRead(env, cat.scores.name(), total));
    }

    // 4. the selector through the whole step
    try (SelectorService selector = new SelectorService(config)) {
      selector.start();
      await().atMost(Duration.ofMinutes(2)).until(() -> selector.state() == KafkaStreams.State.RUNNING);
      long running = System.currentTimeMillis();
      SelectorClient client = new SelectorClient(selector.httpAddress().orElseThrow());
      await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
          .until(() -> client.step(1).map(StepView::done).orElse(false));
      StepView step = client.step(1).orElseThrow();
      consumerMs = Math.min(consumerMs, plainRead(env, cat.scores.name(), total)); // once more, after
      long first = step.scoresStartedAtMs();
      long collectMs = Math.max(1, step.scoresCompleteAtMs() - first);
      long wholeMs = Math.max(1, step.selectionDoneAtMs() - first);
      double consumerRate = records * 1000.0 / consumerMs;
      double coldRate = records * 1000.0 / coldConsumerMs;
      double collectRate = records * 1000.0 / collectMs;
      double wholeRate = records * 1000.0 / wholeMs;
      System.out.printf(Locale.ROOT, "%n[selector-benchmark] %d score records (%d-d sketch, %d-d embedding, %.0f bytes "
              + "each), %d partitions, %s stream threads, commit every %d ms, %d cpus%n", records, SKETCH_DIM,
          EMBEDDING_DIM, bytes / (double) records, n, config.getInt(SelectorConfig.THREADS),
          config.getLong(SelectorConfig.COMMIT_INTERVAL_MS), Runtime.getRuntime().availableProcessors());
      System.out.printf(Locale.ROOT, "[selector-benchmark] plain consumer (read + decode): first read %d ms "
          + "(%.0f records/s), best of 4 %d ms (%.0f records/s)%n", coldConsumerMs, coldRate, consumerMs,
          consumerRate);
      System.out.printf(Locale.ROOT, "[selector-benchmark] selector from its first score: started %d ms after "
          + "RUNNING; scores complete +%d ms, clusters fitted +%d ms, selection done +%d ms%n", first - running,
          collectMs, step.clustersFittedAtMs() - first, wholeMs);
      System.out.printf(Locale.ROOT, "[selector-benchmark] selector, scores collected: %.0f records/s, ratio %.2f "
          + "to the best plain read, %.2f to the first%n", collectRate, collectRate / consumerRate,
          collectRate / coldRate);
      System.out.printf(Locale.ROOT, "[selector-benchmark] selector, whole step (to selection done): %.0f records/s,"
          + " ratio %.2f to the best plain read, %.2f to the first (selected %d, pruned %d, pool %d)%n", wholeRate,
          wholeRate / consumerRate, wholeRate / coldRate, step.selected(), step.pruned(), step.poolSize());
      assertThat(step.selected()).isEqualTo(400);
    }
  }

  /** Reads {@code expected} records of a topic from the start with a fresh read_committed consumer, decoding each. */
  private static long plainRead(KafkaTestEnv env, String topic, long expected) {
    Map<String, Object> props = env.consumerProps("bench-" + UUID.randomUUID());
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    ConfluentAvroDeserializer<ScoresEvent> deserializer = env.serdes().deserializer(ScoresEvent.class);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long start = System.nanoTime();
      long read = 0;
      while (read < expected) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          deserializer.deserialize(topic, r.value());
          read++;
        }
      }
      return Math.max(1, (System.nanoTime() - start) / 1_000_000);
    }
  }
}
