package io.adaptstream.localregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.avro.ImageRef;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Speaker;
import io.adaptstream.avro.Split;
import io.adaptstream.avro.Turn;
import io.adaptstream.schemas.registry.Compatibility;
import io.adaptstream.schemas.registry.SchemaRegistryClient;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The BACKWARD policy in action: add optional fields freely, never break readers of old records. */
class SchemaEvolutionTest {

  private static final String SUBJECT = "adapt.ingest-value";
  private LocalSchemaRegistry registry;
  private SchemaRegistryClient client;

  @BeforeEach
  void start() throws Exception {
    registry = LocalSchemaRegistry.start();
    client = new SchemaRegistryClient(registry.url());
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  static Sample sample() {
    return Sample.newBuilder().setId("a".repeat(64)).setRelease("r1").setSourceId("s1").setSplit(Split.TRAIN)
        .setSkill("vqa-colour")
        .setConversations(List.of(new Turn(Speaker.HUMAN, "<image>\nColour?"), new Turn(Speaker.GPT, "red")))
        .setImages(List.of(new ImageRef("file:///b/" + "c".repeat(64), "c".repeat(64), 32, 32, "image/png")))
        .build();
  }

  /** Sample's schema plus one field, as a later release of the project might add it. */
  static Schema withField(String fieldJson) {
    String base = Sample.getClassSchema().toString();
    return new Schema.Parser().parse(base.substring(0, base.lastIndexOf(']')) + "," + fieldJson + "]}");
  }

  @Test
  void shouldUseBackwardCompatibilityByDefault() {
    assertThat(client.globalCompatibility()).isEqualTo(Compatibility.BACKWARD);
  }

  @Test
  void shouldReadOldRecordsWithAnEvolvedSchemaThatAddsAnOptionalField() throws Exception {
    // given an old record written with today's schema
    int v1 = client.register(SUBJECT, Sample.getClassSchema());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<Sample>(Sample.class).write(sample(), enc);
    enc.flush();
    Schema evolved = withField("{\"name\":\"language\",\"type\":[\"null\",\"string\"],\"default\":null}");

    // when the evolved schema is registered and used to read the old bytes
    int v2 = client.register(SUBJECT, evolved);
    GenericRecord read = new GenericDatumReader<GenericRecord>(client.getById(v1), evolved)
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

    // then
    assertThat(v2).isNotEqualTo(v1);
    assertThat(client.versions(SUBJECT)).containsExactly(1, 2);
    assertThat(read.get("release").toString()).isEqualTo("r1");
    assertThat(read.get("language")).isNull();
    assertThat(((GenericData.Array<?>) read.get("conversations")).size()).isEqualTo(2);
  }

  @Test
  void shouldRefuseARequiredFieldWithoutDefault() {
    client.register(SUBJECT, Sample.getClassSchema());
    Schema incompatible = withField("{\"name\":\"language\",\"type\":\"string\"}");

    assertThat(client.isCompatible(SUBJECT, incompatible)).isFalse();
    assertThatThrownBy(() -> client.register(SUBJECT, incompatible))
        .isInstanceOf(SchemaRegistryException.class)
        .satisfies(e -> assertThat(((SchemaRegistryException) e).status()).isEqualTo(409))
        .hasMessageContaining("incompatible");
    assertThat(client.versions(SUBJECT)).containsExactly(1);
  }

  @Test
  void shouldRefuseChangingAFieldType() {
    client.register("t-value", Schema.createRecord("R", null, "x", false,
        List.of(new Schema.Field("n", Schema.create(Schema.Type.STRING)))));
    Schema changed = Schema.createRecord("R", null, "x", false,
        List.of(new Schema.Field("n", Schema.create(Schema.Type.INT))));

    assertThatThrownBy(() -> client.register("t-value", changed))
        .isInstanceOf(SchemaRegistryException.class)
        .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(409));
  }
}
