package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.cli.local.LocalLayout;
import io.adaptstream.cli.local.LocalState;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.schemas.TopicCatalogue;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentOptionsTest {

  @TempDir
  Path tmp;

  private LocalState stateOwnedBy(long pid) {
    return new LocalState(pid, 0, "127.0.0.1:19092", "http://127.0.0.1:18081", tmp.resolve("blobs").toString(),
        tmp.toString(), Instant.now().toString());
  }

  @Test
  void shouldUseExplicitFlagsEvenWhenLocalModeRuns() {
    LocalLayout layout = LocalLayout.of(tmp);
    stateOwnedBy(ProcessHandle.current().pid()).write(layout);

    Deployment e = DeploymentOptions.resolve("kafka:9092", "http://registry:8081", TopicCatalogue.DEFAULT_PREFIX,
        layout);

    assertThat(e.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(e.schemaRegistryUrl()).isEqualTo("http://registry:8081");
  }

  @Test
  void shouldTakeWhatIsMissingFromTheRunningLocalMode() {
    LocalLayout layout = LocalLayout.of(tmp);
    stateOwnedBy(ProcessHandle.current().pid()).write(layout);

    Deployment e = DeploymentOptions.resolve("kafka:9092", null, TopicCatalogue.DEFAULT_PREFIX, layout);

    assertThat(e.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(e.schemaRegistryUrl()).isEqualTo("http://127.0.0.1:18081");
    assertThat(e.blobStore()).contains(tmp.resolve("blobs"));
  }

  @Test
  void shouldTakeTheBlobStoreAndSelectorFromTheRunningLocalModeWhenTheFlagsNameTheBroker() {
    // given local mode running with its selector, and flags naming another broker, registry and topic prefix
    LocalLayout layout = LocalLayout.of(tmp);
    new LocalState(ProcessHandle.current().pid(), 0, "127.0.0.1:19092", "http://127.0.0.1:18081",
        tmp.resolve("blobs").toString(), tmp.toString(), Instant.now().toString(),
        java.util.Map.of(LocalState.SELECTOR, "http://127.0.0.1:8085")).write(layout);

    // when they are resolved
    Deployment d = DeploymentOptions.resolve("kafka:9092", "http://registry:8081", "t7", layout);

    // then the flags win, and what only local mode knows comes from it
    assertThat(d.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(d.catalogue("r1").prefix()).isEqualTo("t7");
    assertThat(d.blobStore()).contains(tmp.resolve("blobs"));
    assertThat(d.selectorUrl()).contains(java.net.URI.create("http://127.0.0.1:8085"));
  }

  @Test
  void shouldExplainHowToStartLocalModeWhenNothingRuns() {
    LocalLayout layout = LocalLayout.of(tmp);

    assertThatThrownBy(() -> DeploymentOptions.resolve(null, null, TopicCatalogue.DEFAULT_PREFIX, layout))
        .hasMessage("local mode is not running in " + tmp + ": start it with `adapt local up`, or pass "
            + "--bootstrap-servers and --schema-registry-url");
  }

  @Test
  void shouldIgnoreAStaleStateFileWhoseOwnerIsGone() throws Exception {
    LocalLayout layout = LocalLayout.of(tmp);
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    stateOwnedBy(dead.pid()).write(layout);

    assertThatThrownBy(() -> DeploymentOptions.resolve(null, null, TopicCatalogue.DEFAULT_PREFIX, layout))
        .hasMessageStartingWith("local mode is not running in " + tmp);
  }

  @Test
  void shouldResolveThroughTheOptionsMixin() {
    DeploymentOptions options = new DeploymentOptions();
    options.dataDir.dataDir = tmp;
    options.bootstrapServers = "b:1";
    options.schemaRegistryUrl = "http://r:2";

    assertThat(options.resolve()).isEqualTo(new Deployment("b:1", "http://r:2", TopicCatalogue.DEFAULT_PREFIX,
        TopicCatalogue.DEFAULT_DATA_PARTITIONS, (short) 1, java.util.Optional.empty(), java.util.Optional.empty()));
  }
}
