package io.adaptstream.trainer;

import static io.adaptstream.trainer.TrainerFixtures.marker;
import static io.adaptstream.trainer.TrainerFixtures.selection;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.Release;
import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.avro.ReleaseStatus;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.avro.SelectionEvent;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.testing.KafkaTestEnv;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Drives a trainer against the test broker: writes what ingest and the selector would, runs trainers, reads back. */
final class TrainerHarness {

  static final Duration READ = Duration.ofSeconds(60);

  private TrainerHarness() {}

  /** A trainer config for tests: the tiny model, one thread, one short epoch. */
  static TrainerConfig config(KafkaTestEnv kafka, TopicCatalogue topics, Path blobs, Map<String, String> extra) {
    Map<String, String> m = new HashMap<>();
    m.put("bootstrap.servers", kafka.bootstrapServers());
    m.put("schema.registry.url", kafka.schemaRegistryUrl());
    m.put("topic.prefix", topics.prefix());
    m.put("run.id", topics.run());
    m.put("data.partitions", Integer.toString(topics.dataPartitions()));
    m.put(TrainerConfig.BLOB_STORE, blobs.toString());
    m.put(TrainerConfig.MODEL_CONFIG, TrainerFixtures.TINY.toJson());
    m.put(TrainerConfig.DETERMINISTIC, "true");
    m.put(TrainerConfig.EPOCHS, "1");
    m.put(TrainerConfig.PRETRAIN_EPOCHS, "1");
    m.put(TrainerConfig.BATCH_SIZE, "4");
    m.put(TrainerConfig.EVAL_BATCH_SIZE, "16");
    m.put(TrainerConfig.INSTANCE_ID, "test");
    m.putAll(extra);
    return new TrainerConfig(m);
  }

  /** A trainer running on its own thread. */
  static final class Running implements AutoCloseable {
    final TrainerService service;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicReference<TrainerResult> result = new AtomicReference<>();

    private Running(TrainerService service) {
      this.service = service;
      this.thread = new Thread(() -> {
        try {
          result.set(service.run());
        } catch (Throwable t) {
          failure.set(t);
        }
      }, "trainer-under-test");
    }

    static Running start(TrainerConfig config, BlobStore blobs, TrainerListener listener) {
      return start(config, blobs, listener, new SimpleMeterRegistry());
    }

    /** A trainer recording its meters into {@code meters}. */
    static Running start(TrainerConfig config, BlobStore blobs, TrainerListener listener, MeterRegistry meters) {
      Running r = new Running(new TrainerService(config, blobs, listener, TrainerClients.kafka(config), meters));
      r.thread.start();
      return r;
    }

    /** What {@code run()} returned, once it returned normally (after {@link #close()}); else null. */
    TrainerResult result() {
      return result.get();
    }

    /** The exception {@code run()} ended with, if it ended so. */
    Throwable failure() {
      return failure.get();
    }

    boolean isRunning() {
      return thread.isAlive();
    }

    /** Throws if the trainer died, so a wait fails fast with the cause. */
    void assertAlive() {
      if (failure.get() != null) {
        throw new AssertionError("the trainer failed", failure.get());
      }
    }

    void join() throws InterruptedException {
      thread.join(TimeUnit.SECONDS.toMillis(60));
    }

    @Override
    public void close() {
      service.close();
      try {
        join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static int partitionOf(String key, int partitions) {
    return Math.floorMod(key.hashCode(), partitions);
  }

  /**
   * Writes a release as the ingest job does: its OPEN record, its samples (to the partition of their key), then a
   * seal marker on every partition counting the release's samples there.
   */
  static void publishRelease(KafkaTestEnv kafka, TopicCatalogue topics, String name, ReleaseRole role, int sequence,
      List<Sample> samples) {
    int parts = topics.ingest.partitions();
    long[] counts = new long[parts];
    try (KafkaProducer<String, SpecificRecord> producer = producer(kafka)) {
      producer.send(new ProducerRecord<>(topics.releases.name(), name, Release.newBuilder().setName(name)
          .setStatus(ReleaseStatus.OPEN).setRole(role).setSequence(-1).setFingerprint("test")
          .setStartOffsets(List.of()).build()));
      for (Sample s : samples) {
        int p = partitionOf(s.getId(), parts);
        counts[p]++;
        producer.send(new ProducerRecord<>(topics.ingest.name(), p, s.getId(), new IngestEvent(s)));
      }
      for (int p = 0; p < parts; p++) {
        SealMarker seal = SealMarker.newBuilder().setRelease(name).setSequence(sequence).setPartition(p)
            .setCount(counts[p]).setPartitions(parts).build();
        producer.send(new ProducerRecord<>(topics.ingest.name(), p, "seal/" + name, new IngestEvent(seal)));
      }
      producer.flush();
    }
  }

  /**
   * Writes step {@code step}'s selections as {@code sources} selector tasks would: each source its share of the
   * samples (to the partition of their key), then a marker to every partition with its count there.
   * {@code unreadable} extra records of garbage go to partition 0 from source 0 and are counted in its marker.
   */
  static void writeStep(KafkaTestEnv kafka, TopicCatalogue topics, int step, List<Sample> samples, int sources,
      int unreadable) {
    int parts = topics.selections.partitions();
    String topic = topics.selections.name();
    var serializer = kafka.serdes().<SelectionEvent>serializer();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      for (int source = 0; source < sources; source++) {
        long[] counts = new long[parts];
        for (int i = source; i < samples.size(); i += sources) {
          Sample s = samples.get(i);
          int p = partitionOf(s.getId(), parts);
          counts[p]++;
          producer.send(new ProducerRecord<>(topic, p, s.getId(),
              serializer.serialize(topic, new SelectionEvent(selection(step, s)))));
        }
        if (source == 0) {
          for (int i = 0; i < unreadable; i++) {
            counts[0]++;
            producer.send(new ProducerRecord<>(topic, 0, "garbage-" + i,
                "not an avro record".getBytes(StandardCharsets.UTF_8)));
          }
        }
        for (int p = 0; p < parts; p++) {
          producer.send(new ProducerRecord<>(topic, p, "marker/" + step + "/" + source,
              serializer.serialize(topic, new SelectionEvent(marker(step, source, sources, counts[p], p)))));
        }
      }
      producer.flush();
    }
  }

  private static KafkaProducer<String, SpecificRecord> producer(KafkaTestEnv kafka) {
    return new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
        kafka.serdes().<SpecificRecord>serializer());
  }

  /** Committed (read_committed) model versions by key. */
  static Map<String, List<ModelVersion>> versions(KafkaTestEnv kafka, TopicCatalogue topics) {
    return byKey(kafka.readAll(topics.models, READ));
  }

  static Map<String, List<EvalResult>> evals(KafkaTestEnv kafka, TopicCatalogue topics) {
    return byKey(kafka.readAll(topics.evals, READ));
  }

  static List<DeadLetter> deadLetters(KafkaTestEnv kafka, TopicCatalogue topics) {
    return kafka.readAll(topics.dlq, READ).stream().map(ConsumerRecord::value).toList();
  }

  /** Every record of a topic, committed or not (what a read_uncommitted reader would see). */
  static <V extends SpecificRecord> Map<String, List<V>> uncommitted(KafkaTestEnv kafka, Topic<V> topic) {
    Map<String, Object> props = kafka.consumerProps("unused");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    List<ConsumerRecord<String, V>> all = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
        kafka.serdes().deserializer(topic.valueType()))) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int p = 0; p < topic.partitions(); p++) {
        parts.add(new TopicPartition(topic.name(), p));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + READ.toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(all::add);
      }
    }
    return byKey(all);
  }

  private static <V> Map<String, List<V>> byKey(List<ConsumerRecord<String, V>> records) {
    Map<String, List<V>> out = new HashMap<>();
    for (ConsumerRecord<String, V> r : records) {
      out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
    }
    return out;
  }
}
