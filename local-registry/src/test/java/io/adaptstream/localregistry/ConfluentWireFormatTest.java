package io.adaptstream.localregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.avro.Speaker;
import io.adaptstream.avro.Turn;
import io.adaptstream.schemas.registry.SchemaRegistryClient;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.schemas.serde.ConfluentWireFormat;
import io.adaptstream.schemas.serde.UnknownSchemaException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfluentWireFormatTest {

  private LocalSchemaRegistry registry;
  private AvroSerdes serdes;

  @BeforeEach
  void startRegistry() throws Exception {
    registry = LocalSchemaRegistry.start();
    serdes = new AvroSerdes(registry.url());
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void shouldWriteMagicByteThenBigEndianSchemaIdThenAvroBinary() {
    // given a fresh registry (first schema gets id 1) and a record whose Avro encoding we can spell out
    Turn turn = new Turn(Speaker.GPT, "hi");

    // when
    byte[] bytes = serdes.<Turn>serializer().serialize("t", turn);

    // then: 0x00 | 00 00 00 01 | enum index 1 (zigzag 0x02) | string length 2 (zigzag 0x04) 'h' 'i'
    assertThat(bytes).containsExactly(0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x04, 'h', 'i');
    assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(1);
  }

  @Test
  void shouldEncodeLargeSchemaIdsBigEndian() {
    // given a payload framed by another Confluent client with schema id 0x01020304
    byte[] framed = {0x00, 0x01, 0x02, 0x03, 0x04, 0x02, 0x00};

    // then
    assertThat(ConfluentWireFormat.schemaId(framed)).isEqualTo(16909060);
  }

  @Test
  void shouldRoundTripThroughTheRegistry() {
    Turn turn = new Turn(Speaker.HUMAN, "<image>\nWhat colour is the square? 色");
    byte[] bytes = serdes.<Turn>serializer().serialize("topic-a", turn);

    Turn back = serdes.deserializer(Turn.class).deserialize("topic-a", bytes);

    assertThat(back).isEqualTo(turn);
    assertThat(new SchemaRegistryClient(registry.url()).subjects()).containsExactly("topic-a-value");
  }

  @Test
  void shouldRefuseBytesWithoutTheMagicByte() {
    byte[] notConfluent = {0x01, 0x00, 0x00, 0x00, 0x01, 0x02};

    assertThatThrownBy(() -> serdes.deserializer(Turn.class).deserialize("t", notConfluent))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("magic byte");
  }

  @Test
  void shouldRefuseTruncatedPayloads() {
    byte[] bytes = serdes.<Turn>serializer().serialize("t", new Turn(Speaker.GPT, "hello"));
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 2);

    assertThatThrownBy(() -> serdes.deserializer(Turn.class).deserialize("t", truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Turn");
  }

  @Test
  void shouldRefuseUnknownSchemaIds() {
    byte[] unknownId = {0x00, 0x00, 0x00, 0x00, 0x63, 0x02, 0x00};

    assertThatThrownBy(() -> serdes.deserializer(Turn.class).deserialize("t", unknownId))
        .isInstanceOf(UnknownSchemaException.class)
        .hasMessageContaining("schema id 99");
  }
}
