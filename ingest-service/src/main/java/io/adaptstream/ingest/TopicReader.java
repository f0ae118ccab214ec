package io.adaptstream.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the committed records of a topic from given offsets up to its end as it is now.
 *
 * <p>"The end" is the high watermark, not the last stable offset: a read_committed consumer stops at the first
 * open transaction, so reading to the LSO could miss records committed after it. Waiting until the position
 * passes the high watermark waits for every transaction open at that moment to finish (or be aborted) and so
 * sees everything committed before the read began.
 */
final class TopicReader {

  private final Map<String, Object> clientProps;
  private final Admin admin;
  private final Duration timeout;

  TopicReader(Map<String, Object> clientProps, Admin admin, Duration timeout) {
    this.clientProps = Map.copyOf(clientProps);
    this.admin = admin;
    this.timeout = timeout;
  }

  /** The high watermark of every partition, in partition order. */
  List<Long> endOffsets(String topic, int partitions) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, ListOffsetsResultInfo> answer;
    try {
      answer = admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IngestException("interrupted while listing the offsets of " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IngestException("cannot list the offsets of " + topic + ": " + e.getMessage(), e);
    }
    List<Long> ends = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      ends.add(answer.get(new TopicPartition(topic, p)).offset());
    }
    return ends;
  }

  /**
   * Hands every committed record of {@code topic} at or after {@code from[p]} and before the current end to
   * {@code sink} as they arrive (in offset order within a partition; nothing is buffered, so a long range costs no
   * memory). A missing start offset means 0.
   */
  void read(String topic, int partitions, List<Long> from, Consumer<ConsumerRecord<String, byte[]>> sink) {
    List<Long> end = endOffsets(topic, partitions);
    Map<TopicPartition, Long> start = new HashMap<>();
    Map<TopicPartition, Long> stop = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      long s = p < from.size() ? from.get(p) : 0L;
      if (s < end.get(p)) {
        TopicPartition tp = new TopicPartition(topic, p);
        start.put(tp, s);
        stop.put(tp, end.get(p));
      }
    }
    if (start.isEmpty()) {
      return;
    }
    Map<String, Object> props = new HashMap<>(clientProps);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(start.keySet());
      start.forEach(consumer::seek);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (stop.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new IngestException("timed out after " + timeout + " reading " + topic + " to offsets " + stop
              + " (another producer's transaction may still be open)");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() < stop.get(tp)) {
            sink.accept(r);
          }
        }
      }
    }
  }
}
