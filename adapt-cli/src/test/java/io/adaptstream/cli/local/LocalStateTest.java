package io.adaptstream.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStateTest {

  @TempDir
  Path tmp;

  @Test
  void shouldWriteTheDocumentedFieldsAndReadThemBack() throws Exception {
    LocalLayout layout = LocalLayout.of(tmp);
    LocalState state = new LocalState(11, 12, "127.0.0.1:19092", "http://127.0.0.1:18081",
        tmp.resolve("blobs").toString(), tmp.toString(), Instant.parse("2026-01-02T03:04:05Z").toString());

    state.write(layout);

    assertThat(Files.readString(layout.state())).contains("\"ownerPid\" : 11", "\"brokerPid\" : 12",
        "\"bootstrapServers\"", "\"schemaRegistryUrl\"", "\"blobStore\"", "\"dataDir\"",
        "\"startedAt\" : \"2026-01-02T03:04:05Z\"");
    assertThat(LocalState.read(layout)).contains(state);
    assertThat(state.started()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
  }

  @Test
  void shouldKeepTheSelectorAddressOfServicesRunningInLocalMode() throws Exception {
    LocalLayout layout = LocalLayout.of(tmp);
    LocalState state = new LocalState(11, 12, "127.0.0.1:19092", "http://127.0.0.1:18081", "b", "d",
        "2026-01-02T03:04:05Z", java.util.Map.of(LocalState.SELECTOR, "http://127.0.0.1:8085"));

    state.write(layout);

    assertThat(Files.readString(layout.state())).contains("\"serviceUrls\"", "\"selector\" : \"http://127.0.0.1:8085\"");
    assertThat(LocalState.read(layout).orElseThrow().selectorUrl()).contains("http://127.0.0.1:8085");
    assertThat(new LocalState(1, 2, "", "", "", "", "").selectorUrl()).isEmpty();
  }

  @Test
  void shouldReadNothingWhenNoInstanceRuns() {
    assertThat(LocalState.read(LocalLayout.of(tmp))).isEmpty();
  }

  @Test
  void shouldNameADamagedStateFile() throws Exception {
    LocalLayout layout = LocalLayout.of(tmp);
    Files.writeString(layout.state(), "{ not json");

    assertThatThrownBy(() -> LocalState.read(layout)).hasMessageContaining(layout.state() + " is damaged");
  }

  @Test
  void shouldKnowWhetherItsOwnerIsAlive() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();

    assertThat(new LocalState(ProcessHandle.current().pid(), 0, "", "", "", "", "").ownerAlive()).isTrue();
    assertThat(new LocalState(dead.pid(), 0, "", "", "", "", "").ownerAlive()).isFalse();
  }
}
