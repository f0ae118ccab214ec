package io.adaptstream.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.ImageRef;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.model.CheckpointRef;
import io.adaptstream.model.ComputeDevice;
import io.adaptstream.model.DjlRuntime;
import io.adaptstream.model.VisionLanguageModel;
import io.adaptstream.runtime.ProducerFactory;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.testing.KafkaTestEnv;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step's worth of score requests on a fresh catalogue, as the selector would write them: per partition p a
 * few dozen requests (text-only, one image, two images), then a marker from every source to every partition.
 * Partition 0 also holds a request whose image blob is missing, partition 1 a record that is not Avro.
 */
final class Scenario implements AutoCloseable {

  static final int STEP = 1;
  static final Duration WAIT = Duration.ofSeconds(180);
  private static final Logger LOG = LoggerFactory.getLogger(Scenario.class);

  final KafkaTestEnv kafka;
  final TopicCatalogue topics;
  final Path blobDir;
  final FileBlobStore blobs;
  /** Good sample id → the partition its request was written to. */
  final Map<String, Integer> good = new TreeMap<>();
  final String missingBlobId = "missing-blob-sample";
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<ScoringService> services = new ArrayList<>();

  Scenario(KafkaTestEnv kafka, Path dir) {
    DjlRuntime.init(true);
    this.kafka = kafka;
    this.topics = kafka.newCatalogue();
    this.blobDir = dir.resolve("blobs");
    this.blobs = new FileBlobStore(blobDir);
  }

  /** Creates version 0 of the tiny model, stores it and publishes it on the models topic. */
  Scenario publishModel() {
    CheckpointRef ref;
    try (VisionLanguageModel model = VisionLanguageModel.create(Fixtures.TINY, 11L, ComputeDevice.CPU)) {
      ref = model.save(blobs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ModelVersion version = ModelVersion.newBuilder().setModel(Fixtures.MODEL).setVersion(0)
        .setUri(ref.uri().toString()).setSha256(ref.sha256()).setConfig(ref.configJson()).build();
    try (KafkaProducer<String, ModelVersion> p = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
        kafka.serdes().serializer())) {
      p.send(new ProducerRecord<>(topics.models.name(), ModelSource.key(Fixtures.MODEL, 0), version));
    }
    return this;
  }

  /** Writes {@code perPartition} good requests to every partition, the two bad records, then the markers. */
  Scenario writeRequests(int perPartition) {
    int partitions = topics.scoreRequests.partitions();
    long[] written = new long[partitions];
    try (KafkaProducer<String, ScoreRequestEvent> p = new KafkaProducer<>(kafka.producerProps(),
        new StringSerializer(), kafka.serdes().serializer());
        KafkaProducer<String, byte[]> raw = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
            new ByteArraySerializer())) {
      for (int part = 0; part < partitions; part++) {
        for (int i = 0; i < perPartition; i++) {
          String id = "p" + part + "-s" + i;
          List<ImageRef> images = new ArrayList<>();
          for (int k = 0; k < i % 3; k++) {
            images.add(Fixtures.stored(blobs, Fixtures.png(part * 1000L + i * 10L + k)));
          }
          String question = images.isEmpty() ? "what is " + i + " plus one?" : "<image>\nwhat colour is the square?";
          String answer = images.isEmpty() ? (i + 1) + "." : "colour " + (i % 5) + ".";
          p.send(new ProducerRecord<>(topics.scoreRequests.name(), part, id,
              Fixtures.request(STEP, 0, Fixtures.sample(id, question, answer, images))));
          good.put(id, part);
          written[part]++;
        }
      }
      String absent = "0".repeat(63) + "1";
      p.send(new ProducerRecord<>(topics.scoreRequests.name(), 0, missingBlobId, Fixtures.request(STEP, 0,
          Fixtures.sample(missingBlobId, "<image> what?", "x.", List.of(Fixtures.ref(absent, "file:///gone"))))));
      written[0]++;
      p.flush();
      raw.send(new ProducerRecord<>(topics.scoreRequests.name(), 1, "garbage",
          "not an avro record".getBytes(StandardCharsets.UTF_8)));
      raw.flush();
      written[1]++;
      // the selector's pool task q writes its requests to partition q and a marker to every partition
      for (int source = 0; source < partitions; source++) {
        for (int target = 0; target < partitions; target++) {
          p.send(new ProducerRecord<>(topics.scoreRequests.name(), target, "marker/" + STEP + "/" + source,
              new ScoreRequestEvent(Fixtures.marker(STEP, source, source == target ? written[source] : 0,
                  partitions, target))));
        }
      }
    }
    return this;
  }

  Map<String, Object> config(String instanceId, Map<String, String> extra) {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", kafka.bootstrapServers());
    m.put("schema.registry.url", kafka.schemaRegistryUrl());
    m.put("topic.prefix", topics.prefix());
    m.put("blob.store", blobDir.toString());
    m.put("scoring.deterministic", "true");
    m.put("scoring.instance.id", instanceId);
    m.put("scoring.micro.batch", "16");
    m.put("scoring.model.wait.ms", "10000");
    m.put("scoring.report.interval.ms", "0");
    m.putAll(extra);
    return m;
  }

  ScoringService service(String instanceId, Map<String, String> extra, ProducerFactory producers) {
    ScoringService s = new ScoringService(new ScoringConfig(config(instanceId, extra)), new SimpleMeterRegistry(),
        producers);
    services.add(s);
    return s;
  }

  Future<?> start(ScoringService service) {
    return threads.submit(service::run);
  }

  List<ConsumerRecord<String, ScoresEvent>> awaitAllScores() {
    int markers = topics.scores.partitions() * topics.scoreRequests.partitions();
    List<List<ConsumerRecord<String, ScoresEvent>>> last = new ArrayList<>(List.of(List.of()));
    await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      List<ConsumerRecord<String, ScoresEvent>> all = kafka.readAll(topics.scores, WAIT);
      last.set(0, all);
      return all.stream().filter(r -> r.value().getPayload() instanceof StepMarker).count() >= markers
          && all.stream().filter(r -> r.value().getPayload() instanceof SampleScores).count() >= good.size();
    });
    return last.get(0);
  }

  /** Every good sample scored exactly once on its partition; markers from every source summing to the scores. */
  void assertExactlyOnce(List<ConsumerRecord<String, ScoresEvent>> scores) {
    Map<String, List<ConsumerRecord<String, ScoresEvent>>> byId = scores.stream()
        .filter(r -> r.value().getPayload() instanceof SampleScores)
        .collect(Collectors.groupingBy(r -> ((SampleScores) r.value().getPayload()).getSampleId()));
    assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(good.keySet());
    byId.forEach((id, records) -> {
      assertThat(records).as("scores of %s", id).hasSize(1);
      ConsumerRecord<String, ScoresEvent> r = records.get(0);
      SampleScores s = (SampleScores) r.value().getPayload();
      assertThat(r.partition()).as("partition of %s", id).isEqualTo(good.get(id));
      assertThat(r.key()).isEqualTo(id);
      assertThat(s.getStep()).isEqualTo(STEP);
      assertThat(s.getModel()).isEqualTo(Fixtures.MODEL);
      assertThat(s.getModelVersion()).isZero();
      assertThat(s.getSketch()).hasSize(Fixtures.TINY.sketchDim());
      assertThat(norm(s.getSketch())).as("sketch norm of %s", id).isCloseTo(1.0, within(1e-4));
      assertThat(s.getEmbedding()).hasSize(Fixtures.TINY.dModel());
      assertThat(s.getPerplexity()).isFinite().isGreaterThan(0);
    });
    for (int p = 0; p < topics.scores.partitions(); p++) {
      int part = p;
      List<StepMarker> markers = scores.stream().filter(r -> r.partition() == part)
          .filter(r -> r.value().getPayload() instanceof StepMarker)
          .map(r -> (StepMarker) r.value().getPayload()).toList();
      long data = scores.stream().filter(r -> r.partition() == part)
          .filter(r -> r.value().getPayload() instanceof SampleScores).count();
      assertThat(markers).extracting(StepMarker::getSourcePartition).as("marker sources on %s", p)
          .containsExactlyInAnyOrder(0, 1, 2);
      assertThat(markers).allSatisfy(m -> {
        assertThat(m.getStep()).isEqualTo(STEP);
        assertThat(m.getTargetPartition()).isEqualTo(part);
        assertThat(m.getSourcePartitions()).isEqualTo(3);
      });
      assertThat(markers.stream().mapToLong(StepMarker::getCount).sum()).as("marker counts on %s", p)
          .isEqualTo(data);
      // and, as every request was written before every marker, every score precedes every marker
      assertThat(lastDataIndex(scores, part)).isLessThan(firstMarkerIndex(scores, part));
    }
  }

  /** The missing-blob request and the garbage record are in the DLQ, once each. */
  void assertDeadLetters() {
    List<DeadLetter> dead = kafka.readAll(topics.dlq, WAIT).stream().map(ConsumerRecord::value)
        .filter(d -> d.getSourceTopic().equals(topics.scoreRequests.name())).toList();
    assertThat(dead).extracting(DeadLetter::getReason)
        .containsExactlyInAnyOrder("missing_blob", "undeserialisable");
    DeadLetter missing = dead.stream().filter(d -> d.getReason().equals("missing_blob")).findFirst().orElseThrow();
    assertThat(missing.getSourcePartition()).isZero();
    assertThat(missing.getSourceOffset()).isEqualTo(good.values().stream().filter(p -> p == 0).count());
    assertThat(StandardCharsets.UTF_8.decode(missing.getKey()).toString()).isEqualTo(missingBlobId);
  }

  static void logThroughput(String what, MeterRegistry registry) {
    double scored = registry.find(ScoringMetrics.SAMPLES).tag("outcome", "scored").counter().count();
    double busy = registry.find(ScoringMetrics.BATCH).timer().totalTime(TimeUnit.SECONDS);
    LOG.info("{}: {} samples scored in {} s of batch time: {} samples/s", what, (long) scored,
        String.format("%.2f", busy), String.format("%.1f", scored / busy));
  }

  private static int lastDataIndex(List<ConsumerRecord<String, ScoresEvent>> all, int partition) {
    int last = -1;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).partition() == partition && all.get(i).value().getPayload() instanceof SampleScores) {
        last = i;
      }
    }
    return last;
  }

  private static int firstMarkerIndex(List<ConsumerRecord<String, ScoresEvent>> all, int partition) {
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).partition() == partition && all.get(i).value().getPayload() instanceof StepMarker) {
        return i;
      }
    }
    return Integer.MAX_VALUE;
  }

  private static double norm(List<Float> v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  @Override
  public void close() {
    services.forEach(ScoringService::close);
    threads.shutdown();
    try {
      if (!threads.awaitTermination(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("scoring services did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the scoring services", e);
    }
  }
}
