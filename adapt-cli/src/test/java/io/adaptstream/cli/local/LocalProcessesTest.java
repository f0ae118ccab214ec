package io.adaptstream.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.cli.AdaptCli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProcessesTest {

  @TempDir
  Path tmp;

  @Test
  void shouldRecogniseOnlyThisDataDirectorysBroker() {
    LocalLayout mine = LocalLayout.of(tmp.resolve("a"));
    LocalLayout other = LocalLayout.of(tmp.resolve("b"));
    List<String> broker = List.of("/usr/bin/java", "-Xmx512m", "-cp", "x.jar", "kafka.Kafka",
        mine.serverProperties().toString());

    assertThat(LocalProcesses.isBrokerCommand(broker, mine)).isTrue();
    assertThat(LocalProcesses.isBrokerCommand(broker, other)).isFalse();
    assertThat(LocalProcesses.isBrokerCommand(List.of("vim", mine.serverProperties().toString()), mine)).isFalse();
  }

  @Test
  void shouldRecogniseTheOwnerByTheMainClass() {
    assertThat(LocalProcesses.OWNER_MAIN).isEqualTo(AdaptCli.class.getName());
    assertThat(LocalProcesses.isOwnerCommand(List.of("java", "-cp", "x", AdaptCli.class.getName(), "local", "up")))
        .isTrue();
    assertThat(LocalProcesses.isOwnerCommand(List.of("sleep", "100"))).isFalse();
  }

  @Test
  void shouldReadCommandLinesLongerThanAPageAndStopTheProcess() throws Exception {
    // given a process whose command line is longer than the JDK's ProcessHandle.Info reads
    String longArg = "x".repeat(10_000);
    Process p = new ProcessBuilder("sh", "-c", "sleep 60", "marker", longArg).start();
    try {
      // when its command line is read
      List<String> cmd = LocalProcesses.commandLine(p.toHandle()).orElseThrow();

      // then it is complete, and terminate() stops it
      assertThat(cmd).contains("marker", longArg);
      assertThat(LocalProcesses.terminate(p.toHandle(), Duration.ofSeconds(10))).isTrue();
      assertThat(p.isAlive()).isFalse();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void shouldFindNoBrokerForADirectoryNothingRunsIn() {
    assertThat(LocalProcesses.brokersOf(LocalLayout.of(tmp))).isEmpty();
    assertThat(LocalProcesses.alive(-1)).isEmpty();
  }
}
