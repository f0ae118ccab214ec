package io.adaptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.avro.SelectionEvent;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.localregistry.LocalSchemaRegistry;
import io.adaptstream.schemas.serde.AvroSerdes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's loop with its sources and sink injected (mock consumers and a mock transactional producer; only a
 * local schema registry, no broker): what it commits per version, and what {@code run()} returns.
 */
class TrainerServiceTest {

  private static LocalSchemaRegistry registry;

  @TempDir
  Path dir;

  @BeforeAll
  static void startRegistry() throws IOException {
    registry = LocalSchemaRegistry.start();
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  /** Clients over in-memory records: the ingest log, the selections, an empty models topic; one mock producer. */
  private static final class MockClients implements TrainerClients {
    final MockConsumer<byte[], byte[]> ingest = new MockConsumer<>("earliest");
    final MockConsumer<byte[], byte[]> selections = new MockConsumer<>("earliest");
    final MockProducer<String, SpecificRecord> producer;
    final TopicCatalogue catalogue;

    MockClients(TopicCatalogue catalogue, Serializer<SpecificRecord> values) {
      this.catalogue = catalogue;
      this.producer = new MockProducer<>(true, null, new StringSerializer(), values);
    }

    @Override
    public void ensureTopics(TopicCatalogue topics, short replicationFactor) {
      // the mock topics need no creating
    }

    @Override
    public Producer<String, SpecificRecord> transactionalProducer() {
      return producer;
    }

    @Override
    public Consumer<byte[], byte[]> consumer(String group, String role) {
      if (role.equals("ingest")) {
        return ingest;
      }
      if (role.equals("selections")) {
        return selections;
      }
      MockConsumer<byte[], byte[]> empty = new MockConsumer<>("earliest"); // the models topic: no version yet
      offsets(empty, catalogue.models, new long[catalogue.models.partitions()]);
      return empty;
    }
  }

  private static void offsets(MockConsumer<?, ?> consumer, Topic<?> topic, long[] ends) {
    Map<TopicPartition, Long> begin = new HashMap<>();
    Map<TopicPartition, Long> end = new HashMap<>();
    for (int p = 0; p < topic.partitions(); p++) {
      begin.put(new TopicPartition(topic.name(), p), 0L);
      end.put(new TopicPartition(topic.name(), p), ends[p]);
    }
    consumer.updateBeginningOffsets(begin);
    consumer.updateEndOffsets(end);
  }

  /** Adds records to their partitions, each at the next offset there, once the consumer has them assigned. */
  private static final class Log {
    final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    final long[] next;
    final Topic<?> topic;

    Log(Topic<?> topic) {
      this.topic = topic;
      this.next = new long[topic.partitions()];
    }

    void add(int partition, String key, byte[] value) {
      records.add(new ConsumerRecord<>(topic.name(), partition, next[partition]++,
          key.getBytes(StandardCharsets.UTF_8), value));
    }

    void feed(MockConsumer<byte[], byte[]> consumer) {
      consumer.schedulePollTask(() -> records.forEach(consumer::addRecord));
    }
  }

  @Test
  void shouldCommitEachVersionWithItsDeadLettersAndOffsetsAndReturnWhatItPublishedWhenClosed() throws Exception {
    // given: a pretraining and a task release on the ingest log, and step 1's selections from one selector task
    Map<String, String> settings = new HashMap<>();
    settings.put("bootstrap.servers", "localhost:1"); // never contacted: every client is a mock
    settings.put("schema.registry.url", registry.url());
    settings.put(TrainerConfig.BLOB_STORE, dir.resolve("blobs").toString());
    settings.put(TrainerConfig.MODEL_CONFIG, TrainerFixtures.TINY.toJson());
    settings.put(TrainerConfig.DETERMINISTIC, "true");
    settings.put(TrainerConfig.PRETRAIN_EPOCHS, "1");
    settings.put(TrainerConfig.STEPS, "4");
    settings.put(TrainerConfig.BATCH_SIZE, "4");
    settings.put(TrainerConfig.EVAL_BATCH_SIZE, "16");
    settings.put(TrainerConfig.INSTANCE_ID, "unit");
    TrainerConfig config = new TrainerConfig(settings);
    TopicCatalogue topics = config.catalogue();
    FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
    TinyWorld world = TinyWorld.create(blobs);
    AvroSerdes serdes = new AvroSerdes(registry.url());
    MockClients clients = new MockClients(topics, serdes.serializer());

    Log ingest = new Log(topics.ingest);
    Serializer<IngestEvent> ingestWriter = serdes.serializer();
    int parts = topics.ingest.partitions();
    for (Object[] release : new Object[][] {{"pre", 0, world.pretrain()}, {"r1", 1, world.task()}}) {
      long[] counts = new long[parts];
      @SuppressWarnings("unchecked")
      List<Sample> samples = (List<Sample>) release[2];
      for (Sample s : samples) {
        int p = TrainerHarness.partitionOf(s.getId(), parts);
        counts[p]++;
        ingest.add(p, s.getId(), ingestWriter.serialize(topics.ingest.name(), new IngestEvent(s)));
      }
      for (int p = 0; p < parts; p++) {
        SealMarker seal = SealMarker.newBuilder().setRelease((String) release[0]).setSequence((int) release[1])
            .setPartition(p).setCount(counts[p]).setPartitions(parts).build();
        ingest.add(p, "seal/" + release[0], ingestWriter.serialize(topics.ingest.name(), new IngestEvent(seal)));
      }
    }
    ingest.feed(clients.ingest);
    offsets(clients.ingest, topics.ingest, ingest.next);
    offsets(clients.ingest, topics.releases, new long[topics.releases.partitions()]);

    Log selections = new Log(topics.selections);
    Serializer<SelectionEvent> selectionWriter = serdes.serializer();
    int selectionParts = topics.selections.partitions();
    long[] selected = new long[selectionParts];
    for (Sample s : world.taskTrain()) {
      int p = TrainerHarness.partitionOf(s.getId(), selectionParts);
      selected[p]++;
      selections.add(p, s.getId(), selectionWriter.serialize(topics.selections.name(),
          new SelectionEvent(TrainerFixtures.selection(1, s))));
    }
    for (int p = 0; p < selectionParts; p++) {
      selections.add(p, "marker/1/0", selectionWriter.serialize(topics.selections.name(),
          new SelectionEvent(TrainerFixtures.marker(1, 0, 1, selected[p], p))));
    }
    selections.feed(clients.selections);
    offsets(clients.selections, topics.selections, selections.next);
    offsets(clients.selections, topics.releases, new long[topics.releases.partitions()]);

    // when the trainer runs until version 1 is committed, then is closed
    TrainerService service = new TrainerService(config, blobs, TrainerListener.NONE, clients);
    CompletableFuture<TrainerResult> run = CompletableFuture.supplyAsync(service::run);
    await().atMost(Duration.ofSeconds(120)).until(() -> run.isDone() || clients.producer.commitCount() >= 2);
    service.close();
    TrainerResult result = run.get(60, TimeUnit.SECONDS);

    // then: two transactions, each with its version and evaluation; step 1's with its dead letter and offsets
    assertThat(clients.producer.commitCount()).isEqualTo(2);
    List<ProducerRecord<String, SpecificRecord>> sent = clients.producer.history();
    assertThat(sent).filteredOn(r -> r.topic().equals(topics.models.name())).extracting(ProducerRecord::key)
        .containsExactly("adapt-vlm@0", "adapt-vlm@1");
    assertThat(sent).filteredOn(r -> r.topic().equals(topics.evals.name())).extracting(ProducerRecord::key)
        .containsExactly("adapt-vlm@0", "adapt-vlm@1");
    List<DeadLetter> dead = sent.stream().filter(r -> r.topic().equals(topics.dlq.name()))
        .map(r -> (DeadLetter) r.value()).toList();
    assertThat(dead).extracting(DeadLetter::getReason).containsExactly("missing_image");
    Map<TopicPartition, OffsetAndMetadata> committed = clients.producer.consumerGroupOffsetsHistory()
        .get(clients.producer.consumerGroupOffsetsHistory().size() - 1).values().iterator().next();
    for (int p = 0; p < selectionParts; p++) {
      assertThat(committed.get(new TopicPartition(topics.selections.name(), p)).offset())
          .as("just past step 1's marker on partition %d", p).isEqualTo(selections.next[p]);
    }

    // and what run() returns says the same
    ModelVersion v1 = (ModelVersion) sent.stream().filter(r -> "adapt-vlm@1".equals(r.key())
        && r.topic().equals(topics.models.name())).findFirst().orElseThrow().value();
    assertThat(result.versionsPublished()).isEqualTo(2);
    assertThat(result.stepsTrained()).isEqualTo(1);
    assertThat(result.deadLetters()).isEqualTo(dead.size());
    assertThat(result.unreadableIngestRecords()).isZero();
    assertThat(result.latest()).isEqualTo(v1);
    assertThat(v1.getTrainedSamples()).isEqualTo(world.taskTrain().size() - 1);
    assertThat(clients.ingest.closed()).isTrue();
    assertThat(clients.selections.closed()).isTrue();
  }
}
