package io.adaptstream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.runtime.TopicAdmin;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.ConfluentWireFormat;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class BrokerRoundTripIT {

  @Test
  void shouldRoundTripAvroRecordsInConfluentFormatThroughTheRealBroker(KafkaTestEnv kafka) throws Exception {
    // given a fresh catalogue with its topics
    TopicCatalogue topics = kafka.newCatalogue();
    DeadLetter dl = DeadLetter.newBuilder().setSourceTopic("file:data.json").setSourcePartition(-1)
        .setSourceOffset(3).setReason("missing_image").setDetail("images/x.png does not exist")
        .setService("ingest").setValue(ByteBuffer.wrap(new byte[] {1, 2})).build();

    // when it is produced with the catalogue's serdes
    try (KafkaProducer<String, DeadLetter> producer = new KafkaProducer<>(kafka.producerProps(),
        topics.dlq.keySerde().serializer(), topics.dlq.valueSerde(kafka.serdes()).serializer())) {
      producer.send(new ProducerRecord<>(topics.dlq.name(), "file:data.json/3", dl)).get();
    }

    // then it reads back equal, and the raw bytes carry the Confluent header
    List<ConsumerRecord<String, DeadLetter>> read = kafka.readAll(topics.dlq, Duration.ofSeconds(30));
    assertThat(read).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("file:data.json/3");
      assertThat(r.value()).isEqualTo(dl);
    });
    try (KafkaConsumer<byte[], byte[]> raw = new KafkaConsumer<>(kafka.consumerProps("raw"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topics.dlq.name(), 0);
      raw.assign(List.of(tp));
      raw.seekToBeginning(List.of(tp));
      byte[] value = raw.poll(Duration.ofSeconds(10)).iterator().next().value();
      assertThat(value[0]).isEqualTo(ConfluentWireFormat.MAGIC);
      assertThat(kafka.serdes().registry().getById(ConfluentWireFormat.schemaId(value)))
          .isEqualTo(DeadLetter.getClassSchema());
    }
  }

  @Test
  void shouldCreateCatalogueTopicsIdempotently(KafkaTestEnv kafka) throws Exception {
    TopicCatalogue topics = kafka.newCatalogue();

    List<String> createdAgain = TopicAdmin.ensure(kafka.admin(), topics);

    assertThat(createdAgain).isEmpty();
    assertThat(kafka.admin().describeTopics(List.of(topics.ingest.name())).allTopicNames().get()
        .get(topics.ingest.name()).partitions()).hasSize(3);
  }

  @Test
  void shouldGiveEachTestItsOwnTopics(KafkaTestEnv kafka) {
    assertThat(kafka.newCatalogue().ingest.name()).isNotEqualTo(kafka.newCatalogue().ingest.name());
  }
}
