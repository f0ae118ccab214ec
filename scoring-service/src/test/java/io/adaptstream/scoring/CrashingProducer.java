package io.adaptstream.scoring;

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
 * A real producer that "crashes" at its {@code (commitsBeforeDeath + 1)}-th commit: the transaction's records
 * and offsets reach the broker (flushed, so the open transaction is really there), then every call fails and
 * closing it does not abort, like a process killed just before it committed.
 */
final class CrashingProducer<K, V> implements Producer<K, V> {

  private final Producer<K, V> delegate;
  private final AtomicBoolean dead = new AtomicBoolean();
  private int commitsLeft;

  CrashingProducer(Producer<K, V> delegate, int commitsBeforeDeath) {
    this.delegate = delegate;
    this.commitsLeft = commitsBeforeDeath;
  }

  boolean isDead() {
    return dead.get();
  }

  private void check() {
    if (dead.get()) {
      throw new IllegalStateException("simulated crash: the scoring worker is dead");
    }
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
    return send(record, null);
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
    check();
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
