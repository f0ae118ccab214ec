package io.adaptstream.selector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.localregistry.LocalSchemaRegistry;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.selector.TestData;
import io.adaptstream.selector.algo.Reservoir;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The collector's reservoir, kept as scores are accepted, is the one its stores describe after a restart. */
class StepScoresTest {

  private static final String TOPIC = "scores";
  private static final int CAPACITY = 8;
  private static final long SEED = 42;

  private LocalSchemaRegistry registry;
  private AvroSerdes serdes;
  private KeyValueStore<String, byte[]> scores;
  private KeyValueStore<String, byte[]> exceptions;

  @BeforeEach
  void setUp() throws Exception {
    registry = LocalSchemaRegistry.start();
    serdes = new AvroSerdes(registry.url());
    StateStoreContext context = new MockProcessorContext<>().getStateStoreContext();
    scores = Stores.keyValueStoreBuilder(HashBytesStore.supplier("scores"), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled().build(); // the store the topology runs the heap scores mirror on
    scores.init(context, scores);
    exceptions = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("exceptions"), Serdes.String(),
        Serdes.ByteArray()).withLoggingDisabled().build();
    exceptions.init(context, exceptions);
  }

  @AfterEach
  void tearDown() {
    registry.close();
  }

  private StepScores stepScores() {
    return new StepScores(scores, exceptions, new ScoresPeek(serdes.registry()),
        serdes.deserializer(ScoresEvent.class), TOPIC, CAPACITY, SEED);
  }

  @Test
  void shouldKeepTheBottomKOfAcceptedScoresWithTheirBytesAndRebuildTheSameAfterARestart() {
    // given 30 scores of step 2 accepted as they arrive, the first replaced afterwards by a duplicate under its key
    Serializer<ScoresEvent> serializer = serdes.<ScoresEvent>serializer();
    Map<String, SampleScores> accepted = new LinkedHashMap<>();
    Map<String, byte[]> acceptedBytes = new LinkedHashMap<>();
    StepScores live = stepScores();
    live.begin(2, false);
    for (Sample sample : TestData.release("r1", 30, 0, 3)) {
      SampleScores s = TestData.scores(TestData.request(2, "m", sample, true));
      byte[] bytes = serializer.serialize(TOPIC, new ScoresEvent(s));
      live.mirror(sample.getId(), bytes, true);
      live.accept(sample.getId(), bytes);
      accepted.put(sample.getId(), s);
      acceptedBytes.put(sample.getId(), bytes);
    }
    String first = accepted.keySet().iterator().next();
    SampleScores duplicate = SampleScores.newBuilder(accepted.get(first)).setSketch(List.of(9f, 9f)).build();
    live.mirror(first, serializer.serialize(TOPIC, new ScoresEvent(duplicate)), true);

    // when the task restarts and its memory is rebuilt from the stores
    StepScores restarted = stepScores();
    restarted.begin(2, true);

    // then both hold the bottom-k of the accepted ids, each with the bytes that were accepted and their sketch
    Reservoir<String> expected = new Reservoir<>(CAPACITY, SEED);
    accepted.keySet().forEach(id -> expected.offer(id, id));
    for (StepScores s : List.of(live, restarted)) {
      SortedMap<String, byte[]> reservoir = s.reservoir();
      assertThat(reservoir.keySet()).containsExactlyElementsOf(expected.ids());
      reservoir.forEach((id, bytes) -> {
        assertThat(bytes).isEqualTo(acceptedBytes.get(id));
        assertThat(Vectors.unpack(s.packedSketch(id, bytes)))
            .containsExactly(Vectors.toArray(accepted.get(id).getSketch()));
      });
    }
    assertThat(restarted.size()).isEqualTo(30);
  }

  @Test
  void shouldDropWhatNoLaterStepCanUseWhenTheAssignerReadsAStep() {
    // given the scores store holding 5 scores of step 1 (samples since pruned), 5 of step 2, a marker of step 2,
    // bad bytes, and scores of step 3 sent early
    Serializer<ScoresEvent> serializer = serdes.<ScoresEvent>serializer();
    List<Sample> samples = TestData.release("r1", 11, 0, 3);
    for (int i = 0; i < 11; i++) {
      int step = i < 5 ? 1 : i < 10 ? 2 : 3;
      SampleScores s = TestData.scores(TestData.request(step, "m", samples.get(i), true));
      scores.put(samples.get(i).getId(), serializer.serialize(TOPIC, new ScoresEvent(s)));
    }
    scores.put(StepKeys.marker(2, 0), serializer.serialize(TOPIC, new ScoresEvent(StepMarker.newBuilder().setStep(2)
        .setSourcePartition(0).setCount(5).setSourcePartitions(1).setTargetPartition(0)
        .build())));
    scores.put("junk", new byte[] {1, 2, 3});

    // when the assigner reads step 2
    List<String> visited = new ArrayList<>();
    new StepScores(scores, exceptions, new ScoresPeek(serdes.registry()), serdes.deserializer(ScoresEvent.class),
        TOPIC).forEachAccepted(2, (id, s) -> visited.add(id));

    // then it visits step 2's scores, and the store keeps only those and step 3's
    List<String> step2 = samples.subList(5, 10).stream().map(Sample::getId).sorted().toList();
    assertThat(visited).containsExactlyElementsOf(step2);
    List<String> left = new ArrayList<>();
    scores.all().forEachRemaining(kv -> left.add(kv.key));
    assertThat(left).containsExactlyInAnyOrderElementsOf(
        Stream.concat(step2.stream(), Stream.of(samples.get(10).getId())).toList());
  }
}
