package io.adaptstream.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.ScoreRequest;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.ConfluentAvroDeserializer;
import io.adaptstream.schemas.serde.ConfluentAvroSerializer;
import io.adaptstream.selector.query.SelectorClient;
import io.adaptstream.selector.query.StepView;
import io.adaptstream.selector.topology.StepKeys;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
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
 * topology, next to a plain consumer reading the same scores topic in the same JVM. The ratio is the figure.
 *
 * <p>{@code steps} steps (default 6) of {@code samples} scores each (default 100,000: a release of realistic size;
 * 20,000 are read in some 60 ms, a window in which a single 100 ms commit or fetch wait or the per-step hand-off of
 * the reservoir weighs five times as much), through one running selector. For each, the
 * selector builds the step's requests and is paused (Kafka Streams' pause: it stays in its group, restored and
 * idle); the scores of every request (and the scoring markers) are written; a plain read_committed consumer reads
 * and decodes exactly those records (its first read, then the best of four); then the selector resumes and times
 * the step on its own clock, from the first score a collector receives to every collector's scores complete and to
 * selection done. Step 1 runs on a cold JVM (the selector's code is compiled while it runs, on the same cores); the
 * later steps (a new release plus the pool the last step kept) run the same code warm, which is what a running
 * selector sees, and the last line gives their medians: single steps on two shared cores vary by a factor of two.
 *
 * <p>{@code mvn -B -q -pl selector-service verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=SelectorThroughputIT -Dselector.benchmark=true [-Dselector.benchmark.samples=100000]
 * [-Dselector.benchmark.steps=6]
 * [-Dselector.benchmark.threads=1] [-Dselector.benchmark.commit.ms=...] [-Dselector.benchmark.set=KEY=VALUE,...]
 * [-Dselector.benchmark.cpu=true]}; {@code set} adds selector settings ({@code kafka.*} keys go to Kafka
 * Streams); the last wraps the collector in {@link CpuProbeWrapper} to print CPU per record, which costs two clock
 * reads per record, so throughput is timed without it.
 */
@ExtendWith(KafkaBrokerExtension.class)
@EnabledIfSystemProperty(named = "selector.benchmark", matches = "true")
class SelectorThroughputIT {

  private static final int SKETCH_DIM = 128;
  private static final int EMBEDDING_DIM = 32;
  private static final int POOL_CAP = 1500;
  private static final boolean CPU_PROBE = Boolean.getBoolean("selector.benchmark.cpu");

  @TempDir
  Path dir;

  @Test
  void measureScoresPerSecondThroughTheSelectorAgainstAPlainConsumer(KafkaTestEnv env) throws Exception {
    int samples = Integer.getInteger("selector.benchmark.samples", 100_000);
    Scenario scenario = new Scenario(env);
    Map<String, String> settings = scenario.config(dir.resolve("state"));
    settings.putAll(Map.of("selector.budget", "400", "selector.pool.cap", Integer.toString(POOL_CAP),
        "selector.k", "10", "selector.reservoir", "2000",
        "selector.threads", System.getProperty("selector.benchmark.threads", "1")));
    if (CPU_PROBE) { // two thread-CPU clock reads per record: off when timing throughput
      settings.put("kafka.processor.wrapper.class", CpuProbeWrapper.class.getName());
    }
    String commitMs = System.getProperty("selector.benchmark.commit.ms");
    if (commitMs != null) {
      settings.put("selector.commit.interval.ms", commitMs);
    }
    for (String kv : System.getProperty("selector.benchmark.set", "").split(",")) { // e.g. kafka.max.poll.records=5000
      if (kv.contains("=")) {
        settings.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
      }
    }
    SelectorConfig config = new SelectorConfig(settings);
    TopicCatalogue cat = scenario.catalogue;
    System.out.printf(Locale.ROOT, "%n[selector-benchmark] %d score records per step (%d-d sketch, %d-d embedding), "
            + "%d partitions, %s stream threads, commit every %d ms, %d cpus%n", samples, SKETCH_DIM, EMBEDDING_DIM,
        cat.scores.partitions(), config.getInt(SelectorConfig.THREADS),
        config.getLong(SelectorConfig.COMMIT_INTERVAL_MS), Runtime.getRuntime().availableProcessors());

    int steps = Math.max(2, Integer.getInteger("selector.benchmark.steps", 6));
    List<Measured> warm = new ArrayList<>();
    try (StandInServices ingest = new StandInServices(env, cat);
        SelectorService selector = new SelectorService(config)) {
      selector.start();
      await().atMost(Duration.ofMinutes(2)).until(() -> selector.state() == KafkaStreams.State.RUNNING);
      SelectorClient client = new SelectorClient(selector.httpAddress().orElseThrow());
      for (int step = 1; step <= steps; step++) {
        // step 1: a release of `samples` train samples, on a cold JVM; later steps: the pool the last step kept plus
        // a new release, as many scores again, on the now warm JVM
        int fresh = step == 1 ? samples : samples - POOL_CAP;
        ingest.publish("r" + step, step, TestData.release("r" + step, fresh, 0, 100 - step));
        ingest.publishModel(step - 1);
        awaitRequests(selector, client, step);
        Measured m = measureStep(env, config, selector, client, step, samples, step == 1 ? "cold" : "warm");
        assertThat(m.view().selected()).isEqualTo(400);
        assertThat(m.view().poolSize()).isEqualTo(samples);
        if (step > 1) {
          warm.add(m);
        }
      }
    }
    System.out.printf(Locale.ROOT, "[selector-benchmark] warm steps (%d), medians: plain consumer first read %.0f ms, "
            + "best %.0f ms; selector scores collected %.0f ms (ratio %.2f to the first read, %.2f to the best), "
            + "whole step %.0f ms (ratio %.2f, %.2f)%n", warm.size(), median(warm, Measured::firstReadMs),
        median(warm, Measured::bestReadMs), median(warm, Measured::collectMs),
        median(warm, m -> (double) m.firstReadMs() / m.collectMs()), median(warm, m -> (double) m.bestReadMs()
            / m.collectMs()), median(warm, Measured::wholeMs), median(warm, m -> (double) m.firstReadMs()
            / m.wholeMs()), median(warm, m -> (double) m.bestReadMs() / m.wholeMs()));
  }

  /** One step's timings: the plain consumer's on the step's scores, the selector's through the step. */
  private record Measured(StepView view, long firstReadMs, long bestReadMs, long collectMs, long wholeMs) {}

  private static double median(List<Measured> steps, java.util.function.ToDoubleFunction<Measured> value) {
    double[] v = steps.stream().mapToDouble(value).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Waits until step t's score requests are out, then pauses the selector (it stays in its group, idle). */
  private static void awaitRequests(SelectorService selector, SelectorClient client, int step) {
    await().atMost(Duration.ofMinutes(5)).until(() -> client.step(step).map(s -> s.requestedAtMs() >= 0)
        .orElse(false));
    selector.streams().pause();
  }

  /**
   * Writes step t's scores while the selector is paused, times a plain consumer on the scores topic, then resumes
   * the selector and times it through the step.
   */
  private static Measured measureStep(KafkaTestEnv env, SelectorConfig config, SelectorService selector,
      SelectorClient client, int step, int samples, String label) {
    TopicCatalogue cat = config.catalogue();
    String topic = cat.scores.name();
    Map<TopicPartition, Long> from = endOffsets(env, topic); // the plain consumer reads this step's scores only
    long records = writeScores(env, cat, step);
    assertThat(records).isEqualTo(samples);
    long start = System.nanoTime();
    Read firstRead = plainRead(env, topic, from);
    long total = firstRead.records();
    long firstReadMs = firstRead.ms();
    long bestReadMs = firstReadMs;
    long bestReadCpuNs = firstRead.cpuNs();
    for (int i = 0; i < 3; i++) {
      Read again = plainRead(env, topic, from);
      bestReadMs = Math.min(bestReadMs, again.ms());
      bestReadCpuNs = Math.min(bestReadCpuNs, again.cpuNs());
    }

    String threads = config.streamsProperties(null).getProperty("application.id") + "-";
    CpuProbeWrapper.watch("score-collector", cat.scores.name());
    long cpuBefore = streamThreadsCpuNs(threads);
    long jitBefore = compilerCpuNs();
    long resumed = System.currentTimeMillis();
    selector.streams().resume();
    await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> client.step(step).map(StepView::done).orElse(false));
    long wholeCpuNs = streamThreadsCpuNs(threads) - cpuBefore;
    long jitNs = compilerCpuNs() - jitBefore;
    StepView view = client.step(step).orElseThrow();
    long first = view.scoresStartedAtMs();
    long collectMs = Math.max(1, view.scoresCompleteAtMs() - first);
    long wholeMs = Math.max(1, view.selectionDoneAtMs() - first);
    double firstRate = total * 1000.0 / firstReadMs;
    double bestRate = total * 1000.0 / bestReadMs;
    double collectRate = records * 1000.0 / collectMs;
    double wholeRate = records * 1000.0 / wholeMs;
    System.out.printf(Locale.ROOT, "[selector-benchmark] step %d (%s): plain consumer read + decode of the %d "
            + "records of the scores topic: first read %d ms (%.0f records/s), best of 4 %d ms (%.0f records/s)%n",
        step, label, total, firstReadMs, firstRate, bestReadMs, bestRate);
    System.out.printf(Locale.ROOT, "[selector-benchmark] step %d (%s): selector from its first score (%d ms after "
            + "resuming): scores complete +%d ms, clusters fitted +%d ms, selection done +%d ms%n", step, label,
        first - resumed, collectMs, view.clustersFittedAtMs() - first, wholeMs);
    System.out.printf(Locale.ROOT, "[selector-benchmark] step %d (%s): scores collected %.0f records/s, ratio %.2f "
        + "to the first plain read, %.2f to the best%n", step, label, collectRate, collectRate / firstRate,
        collectRate / bestRate);
    System.out.printf(Locale.ROOT, "[selector-benchmark] step %d (%s): whole step %.0f records/s, ratio %.2f to "
            + "the first plain read, %.2f to the best (selected %d, pruned %d, pool %d); stream threads' CPU "
            + "from resuming to selection done %d ms, the JIT compiler's %d ms%n", step, label, wholeRate,
        wholeRate / firstRate, wholeRate / bestRate, view.selected(), view.pruned(), view.poolSize(),
        wholeCpuNs / 1_000_000, jitNs / 1_000_000);
    if (CPU_PROBE) {
      double selectorCpuUs = CpuProbeWrapper.spanNs() / 1000.0 / CpuProbeWrapper.records();
      double consumerCpuUs = bestReadCpuNs / 1000.0 / total;
      System.out.printf(Locale.ROOT, "[selector-benchmark] step %d (%s): CPU per record: stream threads %.1f us "
              + "while the step's %d scores-topic records went through the collector (%.1f us inside it), plain "
              + "consumer thread %.1f us (first read %.1f us): CPU ratio %.2f%n", step, label, selectorCpuUs,
          CpuProbeWrapper.records(), CpuProbeWrapper.insideNs() / 1000.0 / CpuProbeWrapper.records(),
          consumerCpuUs, firstRead.cpuNs() / 1000.0 / total, consumerCpuUs / selectorCpuUs);
    }
    System.out.printf(Locale.ROOT, "[selector-benchmark] step %d (%s): collection ran from %s to %s (for profiles); "
        + "the step took %d s%n", step, label, java.time.Instant.ofEpochMilli(first),
        java.time.Instant.ofEpochMilli(view.scoresCompleteAtMs()), (System.nanoTime() - start) / 1_000_000_000L);
    return new Measured(view, firstReadMs, bestReadMs, collectMs, wholeMs);
  }

  /**
   * CPU time of the JVM's JIT compiler threads (hidden from ThreadMXBean, so read from /proc; 0 where there is
   * none): on two cores, compiling competes with the stream thread for many steps after the first.
   */
  private static long compilerCpuNs() {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return 0;
    }
    long ticks = 0;
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path t : (Iterable<Path>) threads::iterator) {
        try {
          if (Files.readString(t.resolve("comm")).contains("CompilerThre")) {
            String stat = Files.readString(t.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
          }
        } catch (IOException | RuntimeException gone) {
          // the thread ended while we read it
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  /** CPU time of this JVM's live threads whose name starts with the prefix (a Streams client's threads). */
  private static long streamThreadsCpuNs(String prefix) {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo info : bean.getThreadInfo(bean.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(prefix) && info.getThreadName().contains("StreamThread")
          && !info.getThreadName().contains("producer")) {
        total += Math.max(0, bean.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }

  /** Every request of the step answered, partition-aligned, then the scoring markers; returns the scores written. */
  private static long writeScores(KafkaTestEnv env, TopicCatalogue cat, int step) {
    ConfluentAvroSerializer<SpecificRecord> serializer = env.serdes().serializer();
    int n = cat.scores.partitions();
    long[] perPartition = new long[n];
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(env.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      for (ConsumerRecord<String, ScoreRequestEvent> r : env.readAll(cat.scoreRequests, Duration.ofMinutes(2))) {
        if (r.value().getPayload() instanceof ScoreRequest req && req.getStep() == step) {
          byte[] value = serializer.serialize(cat.scores.name(),
              new ScoresEvent(TestData.scores(req, SKETCH_DIM, EMBEDDING_DIM)));
          producer.send(new ProducerRecord<>(cat.scores.name(), r.partition(), req.getSample().getId(), value));
          perPartition[r.partition()]++;
        }
      }
      for (int p = 0; p < n; p++) {
        for (int q = 0; q < n; q++) {
          StepMarker m = StepMarker.newBuilder().setStep(step).setSourcePartition(p)
              .setCount(q == p ? perPartition[p] : 0).setSourcePartitions(n).setTargetPartition(q).build();
          producer.send(new ProducerRecord<>(cat.scores.name(), q, StepKeys.marker(step, p),
              serializer.serialize(cat.scores.name(), new ScoresEvent(m))));
        }
      }
      producer.flush();
    }
    return java.util.Arrays.stream(perPartition).sum();
  }

  /** Records read, wall-clock and the reading thread's CPU time of one plain read. */
  private record Read(long records, long ms, long cpuNs) {}

  /**
   * Reads a topic from the given offsets to its end with a fresh read_committed consumer, decoding each record
   * (the classic consumer does its network I/O on the calling thread, so that thread's CPU is the reader's).
   */
  private static Read plainRead(KafkaTestEnv env, String topic, Map<TopicPartition, Long> from) {
    ConfluentAvroDeserializer<ScoresEvent> deserializer = env.serdes().deserializer(ScoresEvent.class);
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    try (KafkaConsumer<String, byte[]> consumer = consumer(env, topic)) {
      from.forEach(consumer::seek);
      long expected = consumer.endOffsets(from.keySet()).entrySet().stream()
          .mapToLong(e -> e.getValue() - from.get(e.getKey())).sum();
      long start = System.nanoTime();
      long startCpu = cpu.getCurrentThreadCpuTime();
      long read = 0;
      while (read < expected) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          deserializer.deserialize(topic, r.value());
          read++;
        }
      }
      return new Read(read, Math.max(1, (System.nanoTime() - start) / 1_000_000),
          cpu.getCurrentThreadCpuTime() - startCpu);
    }
  }

  private static Map<TopicPartition, Long> endOffsets(KafkaTestEnv env, String topic) {
    try (KafkaConsumer<String, byte[]> consumer = consumer(env, topic)) {
      return new java.util.HashMap<>(consumer.endOffsets(consumer.assignment()));
    }
  }

  private static KafkaConsumer<String, byte[]> consumer(KafkaTestEnv env, String topic) {
    Map<String, Object> props = env.consumerProps("bench-" + UUID.randomUUID());
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    consumer.partitionsFor(topic).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
    consumer.assign(parts);
    return consumer;
  }
}
