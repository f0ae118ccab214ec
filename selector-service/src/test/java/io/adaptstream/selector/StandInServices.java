package io.adaptstream.selector;

import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.PoolControl;
import io.adaptstream.avro.PoolDeletion;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoreRequest;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.avro.Selection;
import io.adaptstream.avro.SelectionEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.ConfluentAvroDeserializer;
import io.adaptstream.schemas.serde.ConfluentAvroSerializer;
import io.adaptstream.selector.topology.StepKeys;
import io.adaptstream.testing.KafkaTestEnv;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
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

/**
 * The rest of the pipeline around the selector, on the real broker, for the integration tests: ingest (samples
 * by the default partitioner, then seal markers), a scoring worker (fake, deterministic scores from
 * {@link TestData#scores}, request partition p to scores partition p, markers forwarded with counts once the
 * requests of a step are complete) and a trainer (publishes model version t once step t's selections are
 * complete on every partition).
 */
final class StandInServices implements AutoCloseable {

  static final String MODEL = "adapt-test";

  private final KafkaTestEnv env;
  private final TopicCatalogue cat;
  private final KafkaProducer<String, byte[]> producer;
  private final ConfluentAvroSerializer<SpecificRecord> serializer;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean running = true;
  /** Selections by step, as the trainer read them (read_committed). */
  final Map<Integer, List<Selection>> selections = new ConcurrentHashMap<>();
  /** Model versions the trainer published. */
  final List<Integer> published = new CopyOnWriteArrayList<>();
  /** Called with step t just before the trainer publishes model t. */
  volatile IntConsumer beforePublish = t -> { };

  StandInServices(KafkaTestEnv env, TopicCatalogue cat) {
    this.env = env;
    this.cat = cat;
    this.producer = new KafkaProducer<>(env.producerProps(), new StringSerializer(), new ByteArraySerializer());
    this.serializer = env.serdes().serializer();
  }

  /** Publishes a release's samples (partitioned by id, as ingest does) and seals it on every partition. */
  void publish(String release, int sequence, List<Sample> samples) {
    for (Sample s : samples) {
      producer.send(new ProducerRecord<>(cat.ingest.name(), s.getId(),
          serializer.serialize(cat.ingest.name(), new IngestEvent(s))));
    }
    int n = cat.ingest.partitions();
    for (SealMarker m : TestData.seals(release, sequence, samples, n, id -> StepKeys.partitionForKey(id, n))) {
      producer.send(new ProducerRecord<>(cat.ingest.name(), m.getPartition(), "seal/" + release,
          serializer.serialize(cat.ingest.name(), new IngestEvent(m))));
    }
    producer.flush();
  }

  void publishModel(int version) {
    ModelVersion mv = ModelVersion.newBuilder().setModel(MODEL).setVersion(version).setUri("file:///m/" + version)
        .setSha256("0".repeat(64)).setConfig("{}").build();
    producer.send(new ProducerRecord<>(cat.models.name(), MODEL + "@" + version,
        serializer.serialize(cat.models.name(), mv)));
    producer.flush();
    published.add(version);
  }

  /** Starts the scoring worker and the trainer. */
  void start() {
    start("scoring-worker", this::scoringWorker);
    start("trainer", this::trainer);
  }

  /** The last model version the trainer published, -1 before any. */
  int lastModel() {
    check();
    return published.isEmpty() ? -1 : published.get(published.size() - 1);
  }

  /** Selected ids of a step, sorted. */
  Set<String> selectedIds(int step) {
    TreeSet<String> ids = new TreeSet<>();
    selections.getOrDefault(step, List.of()).forEach(s -> ids.add(s.getSampleId()));
    return ids;
  }

  /** Every pool deletion the selector committed, by step. */
  Map<Integer, Set<String>> deletions() {
    Map<Integer, Set<String>> out = new TreeMap<>();
    for (ConsumerRecord<String, PoolControl> r : env.readAll(cat.poolControl, Duration.ofSeconds(30))) {
      if (r.value().getPayload() instanceof PoolDeletion d) {
        out.computeIfAbsent(d.getStep(), k -> new TreeSet<>()).add(d.getSampleId());
      }
    }
    return out;
  }

  void check() {
    if (failure.get() != null) {
      throw new AssertionError("pipeline thread failed", failure.get());
    }
  }

  private void start(String name, Runnable body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    }, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private KafkaConsumer<String, byte[]> consumer(String topic) {
    Map<String, Object> props = env.consumerProps("pipeline-" + UUID.randomUUID());
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  /** Barrier state of one step on one partition, as any reader of the step protocol keeps it. */
  private static final class Barrier {
    final Map<Integer, Long> markers = new HashMap<>();
    int sources;
    long received;
    long written;
    boolean done;

    boolean complete() {
      return sources > 0 && markers.size() >= sources
          && received >= markers.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private void scoringWorker() {
    ConfluentAvroDeserializer<ScoreRequestEvent> requests = env.serdes().deserializer(ScoreRequestEvent.class);
    int n = cat.scores.partitions();
    Map<Integer, Map<Integer, Barrier>> barriers = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(cat.scoreRequests.name())) {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          int p = r.partition();
          Object payload = requests.deserialize(r.topic(), r.value()).getPayload();
          if (payload instanceof ScoreRequest req) {
            Barrier b = barriers.computeIfAbsent(p, k -> new HashMap<>()).computeIfAbsent(req.getStep(),
                k -> new Barrier());
            SampleScores scores = TestData.scores(req);
            producer.send(new ProducerRecord<>(cat.scores.name(), p, req.getSample().getId(),
                serializer.serialize(cat.scores.name(), new ScoresEvent(scores))));
            b.received++;
            b.written++;
          } else {
            StepMarker m = (StepMarker) payload;
            Barrier b = barriers.computeIfAbsent(p, k -> new HashMap<>()).computeIfAbsent(m.getStep(),
                k -> new Barrier());
            b.markers.put(m.getSourcePartition(), m.getCount());
            b.sources = m.getSourcePartitions();
            if (!b.done && b.complete()) {
              b.done = true;
              for (int q = 0; q < n; q++) {
                StepMarker out = StepMarker.newBuilder().setStep(m.getStep()).setSourcePartition(p)
                    .setCount(q == p ? b.written : 0).setSourcePartitions(n).setTargetPartition(q).build();
                producer.send(new ProducerRecord<>(cat.scores.name(), q, StepKeys.marker(m.getStep(), p),
                    serializer.serialize(cat.scores.name(), new ScoresEvent(out))));
              }
            }
          }
        }
        producer.flush();
      }
    }
  }

  private void trainer() {
    ConfluentAvroDeserializer<SelectionEvent> events = env.serdes().deserializer(SelectionEvent.class);
    int n = cat.selections.partitions();
    Map<Integer, Map<Integer, Barrier>> barriers = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(cat.selections.name())) {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          Object payload = events.deserialize(r.topic(), r.value()).getPayload();
          int step;
          if (payload instanceof Selection s) {
            step = s.getStep();
            selections.computeIfAbsent(step, k -> new CopyOnWriteArrayList<>()).add(s);
            barriers.computeIfAbsent(step, k -> new HashMap<>()).computeIfAbsent(r.partition(), k -> new Barrier())
                .received++;
          } else {
            StepMarker m = (StepMarker) payload;
            step = m.getStep();
            Barrier b = barriers.computeIfAbsent(step, k -> new HashMap<>()).computeIfAbsent(r.partition(),
                k -> new Barrier());
            b.markers.put(m.getSourcePartition(), m.getCount());
            b.sources = m.getSourcePartitions();
          }
          Map<Integer, Barrier> parts = barriers.get(step);
          boolean complete = parts.size() == n && parts.values().stream().allMatch(Barrier::complete);
          if (complete && !published.contains(step)) {
            beforePublish.accept(step);
            publishModel(step);
          }
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(10_000);
    }
    producer.close(Duration.ofSeconds(5));
  }
}
