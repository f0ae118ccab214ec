package io.adaptstream.testing;

import io.adaptstream.localregistry.LocalSchemaRegistry;
import io.adaptstream.runtime.ReadIncompleteException;
import io.adaptstream.runtime.TopicAdmin;
import io.adaptstream.runtime.TopicReader;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real single-node KRaft broker (Kafka's own {@link KafkaClusterTestKit}) and one schema registry per test
 * JVM, shared by the integration tests of a module. Tests never share topics: each asks for a fresh
 * {@link #newCatalogue()} whose topics carry a unique prefix.
 *
 * <p>Obtain it through {@link KafkaBrokerExtension}.
 */
public final class KafkaTestEnv implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaTestEnv.class);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final KafkaClusterTestKit cluster;
  private final LocalSchemaRegistry registry;
  private final AvroSerdes serdes;
  private final Admin admin;
  private boolean closed;

  KafkaTestEnv() throws Exception {
    long t0 = System.nanoTime();
    cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
        .setCombined(true)
        .setNumBrokerNodes(1)
        .setNumControllerNodes(1)
        .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
        .build())
        // a one-node cluster: the kit sets none of these and consumer groups / transactions hang without them
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "5")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("transaction.state.log.num.partitions", "5")
        .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
        .setConfigProp("share.coordinator.state.topic.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("auto.create.topics.enable", "false")
        .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    registry = LocalSchemaRegistry.start();
    serdes = new AvroSerdes(registry.url());
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    LOG.info("test broker at {} and schema registry at {} ready in {} ms", cluster.bootstrapServers(),
        registry.url(), (System.nanoTime() - t0) / 1_000_000);
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  public String schemaRegistryUrl() {
    return registry.url();
  }

  /** Serdes sharing one registry client. */
  public AvroSerdes serdes() {
    return serdes;
  }

  public Admin admin() {
    return admin;
  }

  /** A fresh prefix no other test uses. */
  public String uniquePrefix() {
    return "t" + COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A catalogue under a fresh prefix, with every topic created (3 data partitions). */
  public TopicCatalogue newCatalogue() {
    return newCatalogue(TopicCatalogue.DEFAULT_DATA_PARTITIONS);
  }

  public TopicCatalogue newCatalogue(int dataPartitions) {
    TopicCatalogue catalogue = TopicCatalogue.of(uniquePrefix(), TopicCatalogue.DEFAULT_RUN, dataPartitions);
    TopicAdmin.ensure(admin, catalogue);
    return catalogue;
  }

  public Map<String, Object> producerProps() {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return p;
  }

  public Map<String, Object> consumerProps(String group) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return p;
  }

  /**
   * Reads every committed record of a topic, from offset 0 to the end offsets as they are now, in partition
   * then offset order. Throws if the end is not reached within the timeout.
   */
  public <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(Topic<V> topic, Duration timeout) {
    return readAll(bootstrapServers(), serdes, topic, timeout);
  }

  /** {@link #readAll(Topic, Duration)} with the schemas of another registry (a test that runs its own). */
  public <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(Topic<V> topic, AvroSerdes serdes,
      Duration timeout) {
    return readAll(bootstrapServers(), serdes, topic, timeout);
  }

  /** As {@link #readAll(Topic, Duration)}, from any broker (one a test starts and stops itself). */
  public static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(String bootstrapServers,
      AvroSerdes serdes, Topic<V> topic, Duration timeout) {
    Map<String, Object> props =
        TopicReader.readerProps(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
        serdes.deserializer(topic.valueType()))) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))
          .forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
      Map<TopicPartition, List<ConsumerRecord<String, V>>> byPartition = new HashMap<>();
      try {
        TopicReader.readFromBeginning(consumer, parts, timeout, () -> { }, r -> byPartition
            .computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayList<>()).add(r));
      } catch (ReadIncompleteException e) {
        throw new AssertionError("did not reach the end of " + topic.name() + " within " + timeout, e);
      }
      List<ConsumerRecord<String, V>> all = new ArrayList<>();
      parts.stream().sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
          .forEach(tp -> all.addAll(byPartition.getOrDefault(tp, List.of())));
      return all;
    }
  }

  @Override
  public synchronized void close() throws Exception {
    if (closed) {
      return; // KafkaClusterTestKit.close() is not idempotent
    }
    closed = true;
    admin.close(Duration.ofSeconds(5));
    registry.close();
    cluster.close();
  }
}
