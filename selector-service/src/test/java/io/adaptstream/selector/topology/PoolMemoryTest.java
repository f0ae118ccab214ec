package io.adaptstream.selector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.PoolEntry;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Split;
import io.adaptstream.avro.StepStart;
import io.adaptstream.selector.TestData;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pool memory follows the stores it mirrors, and forgets everything when its task is initialised again. */
class PoolMemoryTest {

  private StateStoreContext context;
  private KeyValueStore<String, PoolEntry> pool;
  private KeyValueStore<String, StepStart> steps;
  private PoolMemory memory;

  @BeforeEach
  void setUp() {
    context = new MockProcessorContext<>().getStateStoreContext();
    pool = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("pool"), Serdes.String(),
        AvroBinarySerde.of(PoolEntry.class)).withLoggingDisabled().build();
    pool.init(context, pool);
    steps = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("steps"), Serdes.String(),
        AvroBinarySerde.of(StepStart.class)).withLoggingDisabled().build();
    steps.init(context, steps);
    memory = PoolMemory.builder("memory").build();
    memory.init(context, memory);
    memory.bind(pool, steps);
  }

  @Test
  void shouldFollowWritesMadeThroughItAfterReadingThePoolOnce() {
    // given
    pool.put("a", entry("a"));
    pool.put("gone", PoolEntry.newBuilder().setRelease("r1").setSample(null).setDeletedAtStep(1).build());
    assertThat(memory.holds("a")).isTrue();

    // when
    memory.put("b", entry("b"));
    memory.put("a", PoolEntry.newBuilder().setRelease("r1").setSample(null).setDeletedAtStep(2).build());
    memory.delete("b");
    memory.put("c", entry("c"));

    // then
    assertThat(memory.holds("a")).isFalse();
    assertThat(memory.holds("b")).isFalse();
    assertThat(memory.holds("c")).isTrue();
    assertThat(memory.holds("gone")).isFalse();
    assertThat(pool.get("c").getSample()).isNotNull();
    assertThat(pool.get("b")).isNull();
  }

  @Test
  void shouldForgetEverythingWhenInitialisedAgainAsAfterARestore() {
    // given: the memory has read the stores
    StepStart one = StepStart.newBuilder().setStep(1).setModel("m").setModelVersion(0).setAtMs(0).build();
    memory.start(one);
    memory.put("a", entry("a"));
    assertThat(memory.holds("a")).isTrue();

    // when: the stores are rolled back behind its back (an aborted transaction restored), and the task
    // initialises its stores again
    pool.delete("a");
    pool.put("z", entry("z"));
    steps.delete(PoolProcessor.CURRENT);
    memory.init(context, memory);

    // then
    assertThat(memory.current()).isNull();
    assertThat(memory.holds("a")).isFalse();
    assertThat(memory.holds("z")).isTrue();
  }

  private static PoolEntry entry(String id) {
    Sample s = TestData.sample("r1", Math.abs(id.hashCode() % 1000), Split.TRAIN, "ocr");
    return PoolEntry.newBuilder().setRelease("r1").setSample(s).build();
  }
}
