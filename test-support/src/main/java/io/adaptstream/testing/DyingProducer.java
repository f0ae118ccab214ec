package io.adaptstream.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * A real producer that "crashes" at a chosen moment, for the tests that prove exactly-once across a process dying
 * mid-transaction: either at its {@code (n + 1)}-th send (a publisher killed while writing a chunk) or at its
 * {@code (n + 1)}-th commit (a worker killed just before it committed). What it sent so far reaches the broker
 * (flushed, so the open transaction is really there); then every call fails and closing it does not abort, like a
 * killed process. Services get it through their {@code io.adaptstream.runtime.ProducerFactory}.
 *
 * @param <K> the record key type
 * @param <V> the record value type
 */
public final class DyingProducer<K, V> implements Producer<K, V> {

  private final Producer<K, V> delegate;
  private final AtomicBoolean dead = new AtomicBoolean();
  private final String process;
  private int sendsLeft;
  private int commitsLeft;

  private DyingProducer(Producer<K, V> delegate, String process, int sendsBeforeDeath, int commitsBeforeDeath) {
    this.delegate = delegate;
    this.process = process;
    this.sendsLeft = sendsBeforeDeath;
    this.commitsLeft = commitsBeforeDeath;
  }

  /**
   * Dies at its {@code (sendsBeforeDeath + 1)}-th send.
   *
   * @param process what dies, for the failure's message ("simulated crash: {@code process} is dead")
   */
  public static <K, V> DyingProducer<K, V> atSend(Producer<K, V> delegate, String process, int sendsBeforeDeath) {
    return new DyingProducer<>(delegate, process, sendsBeforeDeath, Integer.MAX_VALUE);
  }

  /**
   * Dies at its {@code (commitsBeforeDeath + 1)}-th commit, with that transaction's records and offsets sent.
   *
   * @param process what dies, for the failure's message ("simulated crash: {@code process} is dead")
   */
  public static <K, V> DyingProducer<K, V> atCommit(Producer<K, V> delegate, String process,
      int commitsBeforeDeath) {
    return new DyingProducer<>(delegate, process, Integer.MAX_VALUE, commitsBeforeDeath);
  }

  /** Whether it has died. */
  public boolean isDead() {
    return dead.get();
  }

  private void check() {
    if (dead.get()) {
      throw new IllegalStateException("simulated crash: " + process + " is dead");
    }
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
    return send(record, null);
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
    check();
    if (sendsLeft-- <= 0) {
      delegate.flush();
      dead.set(true);
      check();
    }
    return delegate.send(record, callback);
  }

  @Override
  public void initTransactions() {
    check();
    delegate.initTransactions();
  }

  @Override
  public void beginTransaction() {
    check();
    delegate.beginTransaction();
  }

  @Override
  public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
    check();
    delegate.sendOffsetsToTransaction(offsets, group);
  }

  @Override
  public void commitTransaction() {
    check();
    if (commitsLeft-- <= 0) {
      delegate.flush();
      dead.set(true);
      check();
    }
    delegate.commitTransaction();
  }

  @Override
  public void abortTransaction() {
    check();
    delegate.abortTransaction();
  }

  @Override
  public void registerMetricForSubscription(KafkaMetric metric) {
    delegate.registerMetricForSubscription(metric);
  }

  @Override
  public void unregisterMetricFromSubscription(KafkaMetric metric) {
    delegate.unregisterMetricFromSubscription(metric);
  }

  @Override
  public void flush() {
    check();
    delegate.flush();
  }

  @Override
  public List<PartitionInfo> partitionsFor(String topic) {
    return delegate.partitionsFor(topic);
  }

  @Override
  public Map<MetricName, ? extends Metric> metrics() {
    return delegate.metrics();
  }

  @Override
  public Uuid clientInstanceId(Duration timeout) {
    return delegate.clientInstanceId(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  @Override
  public void close(Duration timeout) {
    // a dead process aborts nothing: a zero timeout is a forced close, which leaves the transaction open
    delegate.close(dead.get() ? Duration.ZERO : timeout);
  }
}
