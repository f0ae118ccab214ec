package io.adaptstream.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.ModelVersion;
import io.adaptstream.localregistry.LocalSchemaRegistry;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.testing.PoisonBytes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The models topic as the scoring worker reads it: poison skipped, versions no step can need not waited for. */
class ModelVersionsTest {

  private static final TopicCatalogue TOPICS = TopicCatalogue.defaults();
  private static final String TOPIC = TOPICS.models.name();
  private static final Duration LONG_WAIT = Duration.ofMinutes(5);

  private LocalSchemaRegistry registry;
  private ModelVersions versions;

  @BeforeEach
  void start() throws Exception {
    registry = LocalSchemaRegistry.start();
    AvroSerdes serdes = new AvroSerdes(registry.url());
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    TopicPartition tp = new TopicPartition(TOPIC, 0);
    consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
    consumer.updateBeginningOffsets(Map.of(tp, 0L));
    List<byte[]> values = List.of(PoisonBytes.notWireFormat(), version(serdes, 0), PoisonBytes.unknownSchema(),
        version(serdes, 1), version(serdes, 9999));
    consumer.updateEndOffsets(Map.of(tp, (long) values.size()));
    consumer.schedulePollTask(() -> {
      for (int i = 0; i < values.size(); i++) {
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, i, "k" + i, values.get(i)));
      }
    });
    versions = new ModelVersions(consumer, TOPICS.models, serdes.deserializer(ModelVersion.class), () -> false);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void shouldSkipPoisonAndAnswerAtOnceForAVersionPastTheOneAfterTheNewestWhenAskedWithALongWait() {
    // when a request asks for version 9998 while versions 0 and 1 are on the topic (with poison between them and
    // a well-formed version 9999 past the gap)
    long t0 = System.nanoTime();
    var found = versions.find("m", 9998, LONG_WAIT);

    // then there is none, no step can need it, and nothing waited for it
    assertThat(found).isEmpty();
    assertThat(versions.beyondNext("m", 9998)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    assertThat(versions.find("m", 1, LONG_WAIT)).get().extracting(ModelVersion::getVersion).isEqualTo(1);
  }

  @Test
  void shouldStillWaitForTheVersionAfterTheNewest() {
    // given versions 0 and 1 read
    versions.find("m", 0, Duration.ZERO);

    // then version 2 (the next the trainer publishes) may still come, and a negative one never does (nor one past
    // the gap before 9999)
    assertThat(versions.beyondNext("m", 2)).isFalse();
    assertThat(versions.beyondNext("m", -1)).isTrue();
    assertThat(versions.beyondNext("m", 10_000)).isTrue();
    assertThat(versions.beyondNext("other", 0)).isFalse();
  }

  private static byte[] version(AvroSerdes serdes, int v) {
    return serdes.<ModelVersion>serializer().serialize(TOPIC, ModelVersion.newBuilder().setModel("m").setVersion(v)
        .setUri("file:///m/" + v).setSha256("0".repeat(64)).setConfig("{}").build());
  }
}
