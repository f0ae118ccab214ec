package io.adaptstream.selector.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The unordered heap store behind the scores mirror: the topic's semantics, restored from it, no range reads. */
class HashBytesStoreTest {

  private final AtomicReference<StateRestoreCallback> restorer = new AtomicReference<>();
  private HashBytesStore store;

  @BeforeEach
  void setUp() {
    store = (HashBytesStore) HashBytesStore.supplier("scores").get();
    store.init(capturingContext(), store);
  }

  @Test
  void shouldKeepTheLatestValuePerKeyAndDeleteOnNull() {
    // given
    store.put(key("a"), bytes("1"));
    store.put(key("b"), bytes("2"));
    // when
    store.put(key("a"), bytes("3"));
    store.put(key("b"), null);
    // then
    assertThat(store.get(key("a"))).isEqualTo(bytes("3"));
    assertThat(store.get(key("b"))).isNull();
    assertThat(store.approximateNumEntries()).isEqualTo(1);
    assertThat(store.putIfAbsent(key("a"), bytes("4"))).isEqualTo(bytes("3"));
    assertThat(store.delete(key("a"))).isEqualTo(bytes("3"));
    assertThat(store.approximateNumEntries()).isZero();
  }

  @Test
  void shouldWalkEveryEntryAndSkipOnesDeletedDuringTheWalk() {
    // given
    for (int i = 0; i < 100; i++) {
      store.put(key("s" + i), bytes("v" + i));
    }
    // when
    List<String> seen = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      store.delete(key("s7"));
      it.forEachRemaining((KeyValue<Bytes, byte[]> kv) -> {
        seen.add(new String(kv.key.get(), StandardCharsets.UTF_8));
        assertThat(kv.value).isEqualTo(bytes("v" + seen.get(seen.size() - 1).substring(1)));
      });
    }
    // then
    assertThat(seen).hasSize(99).doesNotContain("s7").doesNotHaveDuplicates();
  }

  @Test
  void shouldRestoreFromTheTopicWithNullValuesDeleting() {
    // given a store registered for restoring
    StateRestoreCallback restore = restorer.get();
    assertThat(restore).isNotNull();
    // when the topic's records are replayed into it
    restore.restore("a".getBytes(StandardCharsets.UTF_8), bytes("1"));
    restore.restore("b".getBytes(StandardCharsets.UTF_8), bytes("2"));
    restore.restore("a".getBytes(StandardCharsets.UTF_8), null);
    // then it holds what the topic holds
    assertThat(store.get(key("a"))).isNull();
    assertThat(store.get(key("b"))).isEqualTo(bytes("2"));
    assertThat(store.persistent()).isFalse();
    assertThat(store.isOpen()).isTrue();
  }

  @Test
  void shouldRefuseRangeReadsItCannotAnswerInOrder() {
    assertThatThrownBy(() -> store.range(key("a"), key("z"))).isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("scores is unordered");
    assertThatThrownBy(() -> store.prefixScan("a", new StringSerializer()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> store.reverseAll()).isInstanceOf(UnsupportedOperationException.class);
  }

  private StateStoreContext capturingContext() {
    return (StateStoreContext) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {StateStoreContext.class}, (proxy, method, args) -> {
          if (method.getName().equals("register")) {
            restorer.set((StateRestoreCallback) args[1]);
          }
          return null;
        });
  }

  private static Bytes key(String k) {
    return Bytes.wrap(k.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(String v) {
    return v.getBytes(StandardCharsets.UTF_8);
  }
}
