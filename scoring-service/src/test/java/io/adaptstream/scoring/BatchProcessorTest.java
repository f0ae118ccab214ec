package io.adaptstream.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.localregistry.LocalSchemaRegistry;
import io.adaptstream.model.Example;
import io.adaptstream.model.InvalidExampleException;
import io.adaptstream.model.SampleSignals;
import io.adaptstream.schemas.Backoff;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.registry.SchemaRegistryClient;
import io.adaptstream.schemas.serde.AvroSerdes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch logic with a stand-in model (no engine) and the real wire format (an in-process registry). */
class BatchProcessorTest {

  private static final TopicCatalogue TOPICS = TopicCatalogue.defaults();
  private static LocalSchemaRegistry registry;
  private static AvroSerdes serdes;

  @TempDir Path dir;
  private FileBlobStore blobs;
  private final FakeModel model = new FakeModel();
  private BatchProcessor processor;
  private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> batch = new HashMap<>();

  @BeforeAll
  static void startRegistry() throws IOException {
    registry = LocalSchemaRegistry.start();
    serdes = new AvroSerdes(registry.url());
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @BeforeEach
  void setUp() {
    blobs = new FileBlobStore(dir);
    ModelSource models = (name, version) -> {
      if (name.equals(Fixtures.MODEL) && version == 0) {
        return model;
      }
      throw new UnscorableException(DeadLetterReason.UNKNOWN_MODEL, "no " + ModelSource.key(name, version));
    };
    processor = new BatchProcessor(TOPICS, serdes.deserializer(ScoreRequestEvent.class), blobs, models,
        "scoring/test");
  }

  @Test
  void shouldWriteScoresToTheRequestsPartitionAndMarkersBehindThemWithTheCountSinceThePreviousMarker() {
    // given on partition 1: two requests, source 0's marker, one request, source 1's marker
    add(1, request("a"));
    add(1, request("b"));
    add(1, marker(1, 0));
    add(1, request("c"));
    add(1, marker(1, 1));

    // when processed
    BatchProcessor.Result result = processor.process(batch, tp -> StepCounts.empty());

    // then the outputs follow the inputs on scores partition 1, each marker counting the scores before it
    assertThat(result.output()).allSatisfy(r -> {
      assertThat(r.topic()).isEqualTo(TOPICS.scores.name());
      assertThat(r.partition()).isEqualTo(1);
    });
    assertThat(result.output()).extracting(ProducerRecord::key)
        .containsExactly("a", "b", "marker/1/0", "c", "marker/1/1");
    assertThat(marker(result.output().get(2))).satisfies(m -> {
      assertThat(m.getCount()).isEqualTo(2);
      assertThat(m.getSourcePartition()).isZero();
      assertThat(m.getTargetPartition()).isEqualTo(1);
      assertThat(m.getSourcePartitions()).isEqualTo(3);
    });
    assertThat(marker(result.output().get(4)).getCount()).isEqualTo(1);
    SampleScores a = scores(result.output().get(0));
    assertThat(a.getStep()).isEqualTo(1);
    assertThat(a.getModel()).isEqualTo(Fixtures.MODEL);
    assertThat(a.getModelVersion()).isZero();
    assertThat(a.getFresh()).isTrue();
    assertThat(a.getSketch()).containsExactly(1f, 0f);
    // and every step of the partition is closed, at the offset after the last record
    TopicPartition tp = new TopicPartition(TOPICS.scoreRequests.name(), 1);
    assertThat(result.offsets().get(tp).offset()).isEqualTo(5);
    assertThat(result.offsets().get(tp).metadata()).isEqualTo("v1:");
    assertThat(result.scored()).isEqualTo(3);
    assertThat(result.markers()).isEqualTo(2);
  }

  @Test
  void shouldCarryOpenCountsFromTheCommittedStateIntoTheNextMarkerWithoutChangingIt() {
    // given a partition whose committed state holds 4 scores of step 1, and one more request and a marker now
    StepCounts committed = StepCounts.decode("v1:1=4");
    add(0, request("d"));
    add(0, marker(1, 2));
    add(0, request("e"));

    // when processed
    BatchProcessor.Result result = processor.process(batch, tp -> committed);

    // then the marker counts all five, the score after it opens a new count, and the input state is untouched
    assertThat(marker(result.output().get(1)).getCount()).isEqualTo(5);
    TopicPartition tp = new TopicPartition(TOPICS.scoreRequests.name(), 0);
    assertThat(result.counts().get(tp).asMap()).isEqualTo(Map.of(1, 1L));
    assertThat(result.offsets().get(tp).metadata()).isEqualTo("v1:1=1");
    assertThat(committed.get(1)).isEqualTo(4);
  }

  @Test
  void shouldDeadLetterUnscorableRequestsWithTheirSourceAndNotCountThem() {
    // given on partition 2: garbage bytes, a missing image, an unknown model, a sample without answer, a good one
    add(2, "garbage".getBytes(StandardCharsets.UTF_8));
    add(2, encode(Fixtures.request(1, 0, Fixtures.sample("m", "<image>?", "x.",
        List.of(Fixtures.ref("ab".repeat(32), "file:///gone"))))));
    add(2, encode(Fixtures.request(1, 7, Fixtures.sample("u", "q?", "x.", List.of()))));
    add(2, encode(Fixtures.request(1, 0, Fixtures.sample("n", "q?", "", List.of()))));
    add(2, request("g"));
    add(2, marker(1, 2));

    // when processed
    BatchProcessor.Result result = processor.process(batch, tp -> StepCounts.empty());

    // then four dead letters name where each record was and why, and the marker counts only the good score
    List<DeadLetter> dead = new ArrayList<>();
    result.output().stream().filter(r -> r.topic().equals(TOPICS.dlq.name()))
        .forEach(r -> dead.add((DeadLetter) r.value()));
    assertThat(dead).extracting(DeadLetter::getReason)
        .containsExactly("undeserialisable", "missing_blob", "unknown_model", "invalid_sample");
    assertThat(dead).extracting(DeadLetter::getSourceOffset).containsExactly(0L, 1L, 2L, 3L);
    assertThat(dead).allSatisfy(d -> {
      assertThat(d.getSourceTopic()).isEqualTo(TOPICS.scoreRequests.name());
      assertThat(d.getSourcePartition()).isEqualTo(2);
      assertThat(d.getService()).isEqualTo("scoring/test");
    });
    assertThat(result.output()).filteredOn(r -> r.topic().equals(TOPICS.scores.name()))
        .extracting(ProducerRecord::key).containsExactly("g", "marker/1/2");
    assertThat(marker(result.output().get(5)).getCount()).isEqualTo(1);
    assertThat(result.deadLettered()).isEqualTo(4);
  }

  @Test
  void shouldScoreAGroupThatFailsOneByOneAndDeadLetterOnlyTheSampleTheModelFailsOn() {
    // given three requests, one of which the model cannot score
    add(0, request("p1"));
    add(0, request("poison"));
    add(0, request("p2"));

    // when processed
    BatchProcessor.Result result = processor.process(batch, tp -> StepCounts.empty());

    // then the other two are scored and the poison one is dead-lettered
    assertThat(result.output()).extracting(ProducerRecord::topic)
        .containsExactly(TOPICS.scores.name(), TOPICS.dlq.name(), TOPICS.scores.name());
    assertThat(((DeadLetter) result.output().get(1).value()).getReason()).isEqualTo("scoring_failed");
    assertThat(result.scored()).isEqualTo(2);
  }

  @Test
  void shouldScoreTheRequestsOfAllPartitionsOfABatchInOneCallPerModelVersion() {
    // given requests on three partitions
    add(0, request("x0"));
    add(1, request("x1"));
    add(2, request("x2"));

    // when processed
    BatchProcessor.Result result = processor.process(batch, tp -> StepCounts.empty());

    // then one scoring call covered all three, and each score went to its own partition
    assertThat(model.calls).containsExactly(3);
    assertThat(result.output()).extracting(ProducerRecord::partition).containsExactly(0, 1, 2);
  }

  @Test
  void shouldDeadLetterARecordWhoseSchemaTheRegistryDoesNotKnow() {
    // given a record in the wire format naming a schema id the registry never issued
    byte[] unknownSchema = {0, 0, 0, 0x7F, 0x7F, 2, 4};
    add(0, unknownSchema);

    // when processed
    BatchProcessor.Result result = processor.process(batch, tp -> StepCounts.empty());

    // then it is dead-lettered as unknown_schema
    assertThat(result.output()).singleElement()
        .satisfies(r -> assertThat(((DeadLetter) r.value()).getReason()).isEqualTo("unknown_schema"));
  }

  @Test
  void shouldAskToReadTheBatchAgainWhenTheRegistryIsUnreachable() throws IOException {
    // given a processor whose registry has gone away, and a good request written while it was up
    LocalSchemaRegistry gone = LocalSchemaRegistry.start();
    AvroSerdes goneSerdes = new AvroSerdes(gone.url());
    byte[] value = goneSerdes.<ScoreRequestEvent>serializer().serialize(TOPICS.scoreRequests.name(),
        Fixtures.request(1, 0, Fixtures.sample("r", "q?", "a.", List.of())));
    gone.close();
    // no cached schemas, and a short wait for the registry (the default waits 26 s)
    AvroSerdes coldClient = new AvroSerdes(new SchemaRegistryClient(gone.url(),
        Backoff.within(Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(300))));
    BatchProcessor blind = new BatchProcessor(TOPICS, coldClient.deserializer(ScoreRequestEvent.class), blobs,
        (name, version) -> model, "scoring/test");
    add(0, value);

    // when / then nothing is dead-lettered: the batch is to be read again
    assertThatThrownBy(() -> blind.process(batch, tp -> StepCounts.empty()))
        .isInstanceOf(BatchProcessor.RetryLater.class).hasMessageContaining("schema registry");
  }

  private void add(int partition, byte[] value) {
    TopicPartition tp = new TopicPartition(TOPICS.scoreRequests.name(), partition);
    List<ConsumerRecord<byte[], byte[]>> records = batch.computeIfAbsent(tp, k -> new ArrayList<>());
    records.add(new ConsumerRecord<>(tp.topic(), partition, records.size(), "k".getBytes(StandardCharsets.UTF_8),
        value));
  }

  private static byte[] request(String id) {
    return encode(Fixtures.request(1, 0, Fixtures.sample(id, "what is " + id + "?", id + ".", List.of())));
  }

  private static byte[] marker(int step, int source) {
    return encode(new ScoreRequestEvent(Fixtures.marker(step, source, 0, 3, -1)));
  }

  private static byte[] encode(ScoreRequestEvent event) {
    return serdes.<ScoreRequestEvent>serializer().serialize(TOPICS.scoreRequests.name(), event);
  }

  private static StepMarker marker(ProducerRecord<String, SpecificRecord> r) {
    return (StepMarker) ((ScoresEvent) r.value()).getPayload();
  }

  private static SampleScores scores(ProducerRecord<String, SpecificRecord> r) {
    return (SampleScores) ((ScoresEvent) r.value()).getPayload();
  }

  /** Scores every example alike; refuses examples with an empty answer; fails any batch holding "poison". */
  private static final class FakeModel implements ScoringModel {
    final List<Integer> calls = new ArrayList<>();

    @Override
    public int maxImages() {
      return 2;
    }

    @Override
    public void validate(Example example) {
      if (example.turns().get(example.turns().size() - 1).text().isEmpty()) {
        throw new InvalidExampleException(example.id(), "empty answer");
      }
    }

    @Override
    public List<SampleSignals> score(List<Example> examples) {
      calls.add(examples.size());
      if (examples.stream().anyMatch(e -> e.id().equals("poison"))) {
        throw new IllegalStateException("the model cannot score poison");
      }
      List<SampleSignals> out = new ArrayList<>();
      for (int i = 0; i < examples.size(); i++) {
        out.add(new SampleSignals(new float[] {1f, 0f}, new float[] {0f, 1f}, 2.0, 0.5, 1.0, 0.0, 3.0));
      }
      return out;
    }
  }
}
