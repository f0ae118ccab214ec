package io.adaptstream.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
 * Reads the committed records of a topic up to its end as it is now: the one implementation of "read a topic to
 * its end" that ingest (its release table and what a crashed publish committed), scoring (the model versions), the
 * trainer (the newest version, the ingest log) and the command line (a run's models and evaluations) share.
 *
 * <p>Every read is read_committed, with no consumer group and no auto-commit, and bounded by a timeout. Two ends:
 * <ul>
 *   <li>{@link #read} (an instance, from a service's client settings and an {@link Admin}) reads to the <b>high
 *       watermark</b>, not the last stable offset: a read_committed consumer stops at the first open transaction, so
 *       reading to the LSO could miss records committed after it. Waiting until the position passes the high
 *       watermark waits for every transaction open at that moment to finish (or be aborted) and so sees everything
 *       committed before the read began. A writer that decides from what it reads (ingest's sequencer) needs this.
 *   <li>{@link #catchUp} (static, on a consumer the caller owns and polls) reads to the end offsets its consumer
 *       reports, the <b>last stable offset</b> of a read_committed consumer: what is committed now, without waiting
 *       on a transaction another service has open. A viewer that reads again later (scoring's model versions, the
 *       trainer's ingest tail, the command line's run view) uses it.
 * </ul>
 */
public final class TopicReader {

  /** How long one poll waits while reading to an end. */
  public static final Duration POLL = Duration.ofMillis(200);

  private final Map<String, Object> clientProps;
  private final Admin admin;
  private final Duration timeout;

  /**
   * @param clientProps the service's client settings (bootstrap servers and {@code kafka.*} overrides); any group
   *     id in them is dropped
   * @param admin lists the high watermarks; the caller owns it
   * @param timeout the most one read may take
   */
  public TopicReader(Map<String, Object> clientProps, Admin admin, Duration timeout) {
    this.clientProps = Map.copyOf(clientProps);
    this.admin = admin;
    this.timeout = timeout;
  }

  /** The high watermark of every partition, in partition order. */
  public List<Long> endOffsets(String topic, int partitions) {
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
      throw new ReadIncompleteException("interrupted while listing the offsets of " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new ReadIncompleteException("cannot list the offsets of " + topic + ": " + e.getMessage(), e);
    }
    List<Long> ends = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      ends.add(answer.get(new TopicPartition(topic, p)).offset());
    }
    return ends;
  }

  /**
   * Hands every committed record of {@code topic} at or after {@code from[p]} and before its high watermark to
   * {@code sink} as they arrive (in offset order within a partition; nothing is buffered, so a long range costs no
   * memory). A missing start offset means 0.
   *
   * @throws ReadIncompleteException when the read does not reach the end within the timeout (another producer's
   *     transaction may still be open), or the offsets cannot be listed
   */
  public void read(String topic, int partitions, List<Long> from, Consumer<ConsumerRecord<String, byte[]>> sink) {
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
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(readerProps(clientProps), new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(start.keySet());
      start.forEach(consumer::seek);
      boolean reached = catchUp(consumer, stop, timeout, () -> {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          if (r.offset() < stop.get(new TopicPartition(r.topic(), r.partition()))) {
            sink.accept(r);
          }
        }
      });
      if (!reached) {
        throw new ReadIncompleteException("timed out after " + timeout + " reading " + topic + " to offsets " + stop
            + " (another producer's transaction may still be open)");
      }
    }
  }

  /**
   * Runs {@code pollOnce} (which polls {@code consumer} and takes what it returns) until the consumer's position on
   * every partition of {@code end} has reached its offset there, or {@code timeout} has passed.
   *
   * @return whether the end was reached; false on timeout, when the caller decides whether to go on with what it
   *     read or to fail
   */
  public static boolean catchUp(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
      Map<TopicPartition, Long> end, Duration timeout, Runnable pollOnce) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      pollOnce.run();
    }
    return true;
  }

  /**
   * The same, to the end offsets the consumer reports now for {@code partitions} (the last stable offset of a
   * read_committed consumer).
   */
  public static boolean catchUp(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
      Collection<TopicPartition> partitions, Duration timeout, Runnable pollOnce) {
    return catchUp(consumer, consumer.endOffsets(partitions), timeout, pollOnce);
  }

  /**
   * Reads {@code partitions} from their beginning to their current end with {@code consumer} (read_committed, no
   * group: see {@link #readerProps}), handing every record to {@code sink}; {@code whileReading} runs before each
   * poll (a service's stop check, which may throw).
   *
   * @throws ReadIncompleteException when the end is not reached within {@code timeout}
   */
  public static <K, V> void readFromBeginning(org.apache.kafka.clients.consumer.Consumer<K, V> consumer,
      Collection<TopicPartition> partitions, Duration timeout, Runnable whileReading,
      Consumer<ConsumerRecord<K, V>> sink) {
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    boolean reached = catchUp(consumer, partitions, timeout, () -> {
      whileReading.run();
      consumer.poll(POLL).forEach(sink);
    });
    if (!reached) {
      throw new ReadIncompleteException("could not read " + partitions + " to its end within " + timeout);
    }
  }

  /**
   * The settings of a consumer that reads whole topics: {@code clientProps} with read_committed isolation,
   * auto-commit off, the earliest offset when none is given, and no group.
   */
  public static Map<String, Object> readerProps(Map<String, Object> clientProps) {
    Map<String, Object> props = new HashMap<>(clientProps);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return props;
  }
}
