package io.adaptstream.localregistry;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.schemas.registry.Compatibility;
import io.adaptstream.schemas.registry.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSchemaRegistryTest {

  @Test
  void shouldKeepIdsAndSettingsAcrossRestartsWithAStateFile(@TempDir Path dir) throws Exception {
    Path state = dir.resolve("registry.jsonl");
    Schema s1 = Schema.create(Schema.Type.STRING);
    Schema s2 = Schema.create(Schema.Type.LONG);
    try (LocalSchemaRegistry registry = LocalSchemaRegistry.start(0, state)) {
      SchemaRegistryClient c = new SchemaRegistryClient(registry.url());
      c.register("a-value", s1);
      c.register("b-value", s2);
      c.setCompatibility("b-value", Compatibility.FULL);
    }

    try (LocalSchemaRegistry registry = LocalSchemaRegistry.start(0, state)) {
      SchemaRegistryClient c = new SchemaRegistryClient(registry.url());
      assertThat(c.getById(1)).isEqualTo(s1);
      assertThat(c.getById(2)).isEqualTo(s2);
      assertThat(c.register("b-value", s2)).isEqualTo(2);
      assertThat(c.subjects()).containsExactly("a-value", "b-value");
      assertThat(c.lookup("a-value", s1)).get().extracting(SchemaRegistryClient.SchemaVersion::version).isEqualTo(1);
    }
  }

  @Test
  void shouldSurviveATornLastLine(@TempDir Path dir) throws Exception {
    Path state = dir.resolve("registry.jsonl");
    try (LocalSchemaRegistry registry = LocalSchemaRegistry.start(0, state)) {
      new SchemaRegistryClient(registry.url()).register("a-value", Schema.create(Schema.Type.STRING));
    }
    Files.writeString(state, "{\"op\":\"regis", java.nio.file.StandardOpenOption.APPEND);

    try (LocalSchemaRegistry registry = LocalSchemaRegistry.start(0, state)) {
      assertThat(new SchemaRegistryClient(registry.url()).versions("a-value")).containsExactly(1);
    }
  }

  @Test
  void shouldBindToLoopbackOnly() throws Exception {
    try (LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
      assertThat(registry.url()).startsWith("http://127.0.0.1:");
    }
  }
}
