package io.adaptstream.runtime.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer group's lag as a gauge, {@value #NAME} (Prometheus {@code adapt_consumer_group_lag_records}, tags
 * {@code service} and {@code group}): the records committed to its partitions (to the last stable offset,
 * read_committed, as the services read) that the group has not committed yet, summed over its partitions.
 *
 * <p>From the broker's view (an admin client), not the consumer's {@code records-lag-max}: the trainer's consumers
 * are assigned rather than subscribed, Kafka Streams' main consumer belongs to the application's group, and a
 * group whose members are all gone still has lag that matters. A transactional writer's commit markers take offsets
 * no record holds, so a group that has read everything may still show up to one per partition. It is read when
 * scraped, at most every
 * {@value #REFRESH_MS} ms, and a read that fails or takes longer than {@value #TIMEOUT_MS} ms leaves the last value
 * ({@code NaN} before the first).
 */
public final class ConsumerGroupLag implements AutoCloseable {

  public static final String NAME = "adapt.consumer.group.lag";
  public static final String GROUP_TAG = "group";
  static final long REFRESH_MS = 5_000;
  static final long TIMEOUT_MS = 2_000;

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupLag.class);

  private final Admin admin;
  private final String group;
  private MeterRegistry registry;
  private Gauge gauge;
  private double last = Double.NaN;
  private long readAtNanos;
  private boolean read;

  ConsumerGroupLag(Admin admin, String group) {
    this.admin = admin;
    this.group = group;
  }

  static ConsumerGroupLag create(Map<String, Object> clientProps, String group) {
    Map<String, Object> props = new HashMap<>(clientProps);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, group + "-lag-metrics");
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
    props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
    return new ConsumerGroupLag(Admin.create(props), group);
  }

  /** Registers the gauge, replacing one of an earlier instance with the same tags (a service restarted in-process). */
  synchronized void bindTo(MeterRegistry registry, Tags tags) {
    this.registry = registry;
    registry.find(NAME).tags(tags).gauges().stream().filter(g -> Tags.of(g.getId().getTags()).equals(tags))
        .forEach(registry::remove);
    this.gauge = Gauge.builder(NAME, this, ConsumerGroupLag::lag).tags(tags).baseUnit("records")
        .description("records committed to the group's partitions that the group has not committed yet")
        .strongReference(true).register(registry);
  }

  /** The group's lag now (cached for {@value #REFRESH_MS} ms). */
  synchronized double lag() {
    long now = System.nanoTime();
    if (read && now - readAtNanos < TimeUnit.MILLISECONDS.toNanos(REFRESH_MS)) {
      return last;
    }
    try {
      last = readLag();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.debug("lag of group {} not read: {}", group, e.toString());
    }
    read = true;
    readAtNanos = now;
    return last;
  }

  private double readLag() throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    committed.forEach((tp, om) -> {
      if (om != null) {
        latest.put(tp, OffsetSpec.latest());
      }
    });
    if (latest.isEmpty()) {
      return 0;
    }
    Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest,
        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    long lag = 0;
    for (Map.Entry<TopicPartition, ListOffsetsResultInfo> e : ends.entrySet()) {
      lag += Math.max(0, e.getValue().offset() - committed.get(e.getKey()).offset());
    }
    return lag;
  }

  /** Removes the gauge (a registry shared by local mode outlives the service) and closes the admin client. */
  @Override
  public synchronized void close() {
    if (gauge != null) {
      registry.remove(gauge);
      gauge = null;
    }
    admin.close(Duration.ofSeconds(2));
  }
}
