package io.adaptstream.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalModeTest {

  @TempDir
  Path tmp;

  @Test
  void shouldReportStartingOrStoppingWhileAnUpHoldsTheLockWithoutRunning() {
    LocalLayout layout = LocalLayout.of(tmp);

    LocalLock held = LocalLock.tryAcquire(layout.lockFile()).orElseThrow();
    try {
      LocalMode.Status status = LocalMode.status(layout);
      LocalMode.Down down = LocalMode.down(layout, new PrintWriter(new StringWriter()));

      assertThat(status.running()).isFalse();
      assertThat(status.busy()).isTrue();
      assertThat(down.busy()).isTrue();
      assertThat(down.wasRunning()).isFalse();
    } finally {
      held.close();
    }
  }

  @Test
  void shouldRemoveAStaleStateFileOnDownWithoutTouchingUnrelatedProcesses() throws Exception {
    // given a local.json whose pids now belong to processes that are not ours
    LocalLayout layout = LocalLayout.of(tmp);
    Process unrelated = new ProcessBuilder("sleep", "60").start();
    try {
      new LocalState(unrelated.pid(), unrelated.pid(), "127.0.0.1:1", "http://127.0.0.1:2", "", tmp.toString(),
          Instant.now().toString()).write(layout);

      // when local mode is brought down
      LocalMode.Down down = LocalMode.down(layout, new PrintWriter(new StringWriter()));

      // then the state file is gone and the unrelated process untouched
      assertThat(down.stoppedPids()).isEmpty();
      assertThat(layout.state()).doesNotExist();
      assertThat(unrelated.isAlive()).isTrue();
    } finally {
      unrelated.destroyForcibly();
    }
  }
}
