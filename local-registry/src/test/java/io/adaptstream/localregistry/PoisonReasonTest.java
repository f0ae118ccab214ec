package io.adaptstream.localregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.adaptstream.avro.Release;
import io.adaptstream.schemas.PoisonReason;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.schemas.serde.ConfluentAvroDeserializer;
import io.adaptstream.schemas.serde.UnknownSchemaException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One vocabulary for poison: what a failed read means, told apart from a registry that could not be asked. */
class PoisonReasonTest {

  private LocalSchemaRegistry registry;
  private ConfluentAvroDeserializer<Release> reader;

  @BeforeEach
  void start() throws Exception {
    registry = LocalSchemaRegistry.start();
    reader = new AvroSerdes(registry.url()).deserializer(Release.class);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void shouldCallBytesWithoutTheMagicByteOrTooShortUndeserialisable() {
    // given bytes that are not in the Confluent wire format
    Throwable json = catchThrowable(() -> reader.deserialize("t", "{\"a\": 1}".getBytes(StandardCharsets.UTF_8)));
    Throwable shortBytes = catchThrowable(() -> reader.deserialize("t", new byte[] {0, 1}));

    // then
    assertThat(PoisonReason.of(json)).contains(PoisonReason.UNDESERIALISABLE);
    assertThat(PoisonReason.of(shortBytes)).contains(PoisonReason.UNDESERIALISABLE);
    assertThat(PoisonReason.UNDESERIALISABLE.code()).isEqualTo("undeserialisable");
  }

  @Test
  void shouldCallASchemaIdTheRegistryDoesNotHaveUnknownSchema() {
    // given the wire format with an id the registry never handed out
    byte[] framed = {0, 0x7f, (byte) 0xff, (byte) 0xff, 0, 2, 'x'};

    // when
    Throwable failure = catchThrowable(() -> reader.deserialize("t", framed));

    // then
    assertThat(failure).isInstanceOf(UnknownSchemaException.class).isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema id 2147483392");
    assertThat(PoisonReason.of(failure)).contains(PoisonReason.UNKNOWN_SCHEMA);
    assertThat(PoisonReason.UNKNOWN_SCHEMA.code()).isEqualTo("unknown_schema");
  }

  @Test
  void shouldNotCallARecordPoisonWhenTheRegistryCouldNotBeAsked() {
    // given failures of the registry itself, as the deserializer wraps them
    Throwable down = new SerializationException("cannot get writer schema 3",
        new SchemaRegistryException("schema registry at http://127.0.0.1:1/ is not reachable", null));
    Throwable overloaded = new SerializationException("cannot get writer schema 3",
        new SchemaRegistryException(503, 50301, "busy"));

    // then
    assertThat(PoisonReason.of(down)).isEmpty();
    assertThat(PoisonReason.of(overloaded)).isEmpty();
  }
}
