package io.adaptstream.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.avro.Release;
import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.avro.ReleaseStatus;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/** The release table as ingest, the trainer and the command line read it. */
class ReleaseTableTest {

  private static final String TOPIC = "adapt.releases";
  private static final byte[] POISON = "poison".getBytes(StandardCharsets.UTF_8);
  private static final byte[] REGISTRY_DOWN = "registry-down".getBytes(StandardCharsets.UTF_8);

  /** Stands in for the registry-backed deserializer: values are release names, two values fail. */
  private final Map<String, Release> written = new HashMap<>();
  private final Deserializer<Release> deserializer = (topic, bytes) -> {
    String s = new String(bytes, StandardCharsets.UTF_8);
    if (s.equals("poison")) {
      throw new SerializationException("not the wire format");
    }
    if (s.equals("registry-down")) {
      throw new SerializationException("cannot fetch the schema",
          new SchemaRegistryException("connection refused", null));
    }
    return written.get(s);
  };

  @Test
  void shouldKeepTheNewestStateOfEachReleaseInFirstWrittenOrderWhenReadingTheTopic() {
    // given r1 opened, r2 opened, r1 sealed with sequence 1
    ReleaseTable table = new ReleaseTable(deserializer);

    // when the three records are applied
    table.apply(record(0, "r1", value("r1@open", release("r1", ReleaseStatus.OPEN, -1))));
    table.apply(record(1, "r2", value("r2@open", release("r2", ReleaseStatus.OPEN, -1))));
    table.apply(record(2, "r1".getBytes(StandardCharsets.UTF_8),
        value("r1@sealed", release("r1", ReleaseStatus.SEALED, 1))));

    // then r1 is sealed as 1 and listed first, r2 is open
    assertThat(table.releases().keySet()).containsExactly("r1", "r2");
    assertThat(table.sealedAs("r1", 1)).isTrue();
    assertThat(table.sealedAs("r1", 2)).isFalse();
    assertThat(table.sealedAs("r2", -1)).isFalse();
    assertThat(table.get("r2")).get().extracting(Release::getStatus).isEqualTo(ReleaseStatus.OPEN);
  }

  @Test
  void shouldRemoveAReleaseAndIgnoreAKeylessRecordWhenATombstoneOrNoKeyArrives() {
    // given r1 in the table
    ReleaseTable table = new ReleaseTable(deserializer);
    table.apply(record(0, "r1", value("r1", release("r1", ReleaseStatus.OPEN, -1))));

    // when a keyless record and then a tombstone for r1 arrive
    assertThat(table.apply(record(1, null, value("r9", release("r9", ReleaseStatus.OPEN, -1))))).isEmpty();
    assertThat(table.apply(record(2, "r1", null))).isEmpty();

    // then the table is empty
    assertThat(table.releases()).isEmpty();
  }

  @Test
  void shouldSkipPoisonButNeverARecordTheRegistryCouldNotBeAskedAboutWhenSkippingIsAllowed() {
    // given a table with r1
    ReleaseTable table = new ReleaseTable(deserializer);
    table.apply(record(0, "r1", value("r1", release("r1", ReleaseStatus.OPEN, -1))));

    // when poison arrives, a viewer skips it; a strict reader gets the failure
    assertThat(table.applyOrSkip(record(1, "bad", POISON))).isFalse();
    assertThatThrownBy(() -> table.apply(record(1, "bad", POISON))).isInstanceOf(SerializationException.class);

    // and a record unreadable because the registry is down is not skipped
    assertThatThrownBy(() -> table.applyOrSkip(record(2, "r2", REGISTRY_DOWN)))
        .hasRootCauseInstanceOf(SchemaRegistryException.class);

    // then only r1 is in the table
    assertThat(table.releases().keySet()).containsExactly("r1");
  }

  private byte[] value(String id, Release release) {
    written.put(id, release);
    return id.getBytes(StandardCharsets.UTF_8);
  }

  private static ConsumerRecord<Object, byte[]> record(long offset, Object key, byte[] value) {
    return new ConsumerRecord<>(TOPIC, 0, offset, key, value);
  }

  private static Release release(String name, ReleaseStatus status, int sequence) {
    return Release.newBuilder().setName(name).setStatus(status).setRole(ReleaseRole.TASK).setSequence(sequence)
        .setFingerprint("sha").setStartOffsets(List.of()).setDlqStartOffsets(List.of()).build();
  }
}
