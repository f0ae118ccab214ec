package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.schemas.serde.ConfluentWireFormat;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** An Avro record through a real broker and registry, in the project's Confluent wire format. */
final class RoundTrip {

  private RoundTrip() {}

  static DeadLetter deadLetter(String reason) {
    return DeadLetter.newBuilder().setSourceTopic("file:data.json").setSourcePartition(-1).setSourceOffset(7)
        .setReason(reason).setDetail("round trip").setService("adapt-cli-test")
        .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3})).build();
  }

  /**
   * Produces {@code value} under {@code key}, reads the topic back and checks the record decodes equal;
   * returns the schema id its bytes carry.
   */
  static int produceAndReadBack(String bootstrap, String registryUrl, Topic<DeadLetter> topic, String key,
      DeadLetter value) throws Exception {
    AvroSerdes serdes = new AvroSerdes(registryUrl);
    try (KafkaProducer<String, DeadLetter> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
        topic.keySerde().serializer(), topic.valueSerde(serdes).serializer())) {
      producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
    }
    ConsumerRecord<String, byte[]> read = readAll(bootstrap, topic.name()).stream()
        .filter(r -> key.equals(r.key())).reduce((a, b) -> b).orElseThrow();
    assertThat(serdes.deserializer(DeadLetter.class).deserialize(topic.name(), read.value())).isEqualTo(value);
    return ConfluentWireFormat.schemaId(read.value());
  }

  /** Every record of a topic as raw bytes, from the beginning to the end offsets as they are now. */
  static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic) {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        assertThat(System.nanoTime()).as("reached the end of " + topic + " in time").isLessThan(deadline);
        consumer.poll(Duration.ofMillis(200)).forEach(all::add);
      }
      return all;
    }
  }
}
