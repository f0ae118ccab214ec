package io.adaptstream.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Reading a topic to its end on a consumer the caller owns (the services' viewers and the trainer's resume). */
class TopicReaderTest {

  private static final String TOPIC = "adapt.run.models";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

  @Test
  void shouldHandEveryRecordOfEveryPartitionWhenReadingFromTheBeginningToTheEnd() {
    // given two partitions holding 3 and 2 records
    MockConsumer<String, String> consumer = consumer(Map.of(P0, 3L, P1, 2L));
    consumer.schedulePollTask(() -> {
      for (int i = 0; i < 3; i++) {
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, i, "k", "p0-" + i));
      }
      for (int i = 0; i < 2; i++) {
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 1, i, "k", "p1-" + i));
      }
    });
    List<String> read = new ArrayList<>();
    int[] checks = {0};

    // when it is read to its end
    TopicReader.readFromBeginning(consumer, List.of(P0, P1), Duration.ofSeconds(10), () -> checks[0]++,
        r -> read.add(r.value()));

    // then every record was handed over, and the stop check ran before the poll
    assertThat(read).containsExactlyInAnyOrder("p0-0", "p0-1", "p0-2", "p1-0", "p1-1");
    assertThat(checks[0]).isPositive();
  }

  @Test
  void shouldSayTheEndWasNotReachedWhenRecordsStopComingBeforeIt() {
    // given a partition whose end is 5 but which delivers 2 records only (an open transaction holds it back)
    MockConsumer<String, String> consumer = consumer(Map.of(P0, 5L));
    consumer.assign(List.of(P0));
    consumer.seekToBeginning(List.of(P0));
    consumer.schedulePollTask(() -> {
      consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "k", "a"));
      consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, "k", "b"));
    });

    // when a viewer catches up for a short while
    boolean reached = TopicReader.catchUp(consumer, List.of(P0), Duration.ofMillis(300),
        () -> consumer.poll(Duration.ofMillis(10)));

    // then it says so, and a reader that needs the whole topic fails
    assertThat(reached).isFalse();
    assertThat(consumer.position(P0)).isEqualTo(2);
    MockConsumer<String, String> again = consumer(Map.of(P0, 5L));
    assertThatThrownBy(() -> TopicReader.readFromBeginning(again, List.of(P0), Duration.ofMillis(300), () -> { },
        r -> { })).isInstanceOf(ReadIncompleteException.class).hasMessageContaining("to its end within");
  }

  @Test
  void shouldReadCommittedWithoutAGroupWhenMakingAReadersSettings() {
    // given a service's client settings that name a group
    Map<String, Object> props = TopicReader.readerProps(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "b:9092",
        ConsumerConfig.GROUP_ID_CONFIG, "g", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"));

    // then the reader's are read_committed, without group or auto-commit, from the earliest offset
    assertThat(props).containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "b:9092")
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
        .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        .doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG);
  }

  private static MockConsumer<String, String> consumer(Map<TopicPartition, Long> ends) {
    MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
    Map<TopicPartition, Long> begins = new HashMap<>();
    ends.keySet().forEach(tp -> begins.put(tp, 0L));
    consumer.updateBeginningOffsets(begins);
    consumer.updateEndOffsets(ends);
    return consumer;
  }
}
