package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.cli.local.LocalLayout;
import io.adaptstream.cli.local.LocalMode;
import io.adaptstream.cli.local.LocalProbe;
import io.adaptstream.cli.local.LocalSettings;
import io.adaptstream.cli.local.LocalState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two local modes started at the same moment on one machine: both look for the preferred ports before either
 * binds them, so one of them finds its port taken (its registry cannot bind, its broker cannot bind, or another
 * cluster's broker answers there) and, starting for the first time, chooses other ports.
 */
class SimultaneousLocalModesIT {

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(240);

  @TempDir
  Path work;

  @AfterEach
  void stopBoth() {
    for (String name : List.of("a", "b")) {
      LocalMode.down(LocalLayout.of(work.resolve(name)), new PrintWriter(new StringWriter()));
    }
  }

  @Test
  void shouldStartBothOnTheirOwnPortsAndClustersWhenStartedAtTheSameMoment() throws Exception {
    // given two new data directories
    LocalLayout a = LocalLayout.of(work.resolve("a"));
    LocalLayout b = LocalLayout.of(work.resolve("b"));

    // when both start in the background at once
    CompletableFuture<CliProcess.Result> upA = CompletableFuture.supplyAsync(() -> up(a));
    CompletableFuture<CliProcess.Result> upB = CompletableFuture.supplyAsync(() -> up(b));
    CliProcess.Result resultA = upA.get();
    CliProcess.Result resultB = upB.get();

    // then both run, each on its own ports, and each address answers for that directory's own cluster
    assertThat(resultA.exitCode()).as(resultA.output()).isZero();
    assertThat(resultB.exitCode()).as(resultB.output()).isZero();
    LocalState stateA = LocalState.read(a).orElseThrow();
    LocalState stateB = LocalState.read(b).orElseThrow();
    assertThat(stateA.bootstrapServers()).isNotEqualTo(stateB.bootstrapServers());
    assertThat(stateA.schemaRegistryUrl()).isNotEqualTo(stateB.schemaRegistryUrl());
    for (LocalLayout layout : List.of(a, b)) {
      LocalState state = LocalState.read(layout).orElseThrow();
      try (LocalProbe probe = new LocalProbe(state.bootstrapServers())) {
        assertThat(probe.clusterId()).contains(LocalSettings.load(layout).orElseThrow().clusterId());
      }
    }
  }

  private CliProcess.Result up(LocalLayout layout) {
    try {
      return CliProcess.run(work, COMMAND_TIMEOUT, "local", "up", "--detach", "--data-dir",
          layout.dir().toString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
