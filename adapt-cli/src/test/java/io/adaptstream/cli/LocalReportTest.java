package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.cli.local.LocalState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalReportTest {

  private static String addresses(LocalState state) {
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      LocalReport.addresses(out, state);
    }
    return text.toString();
  }

  @Test
  void shouldSayEveryEndpointListensOnLoopbackOnlyWhenLocalModeRunsWithDefaults() {
    // given local mode's state with its default addresses
    LocalState state = new LocalState(1, 2, "127.0.0.1:9092", "http://127.0.0.1:8081", "/d/blobs", "/d",
        "2026-01-01T00:00:00Z", Map.of(LocalState.SELECTOR, "http://127.0.0.1:8085"));

    // when the addresses are printed
    String text = addresses(state);

    // then each endpoint's row names its bind address and that it is reachable from this machine only
    assertThat(text)
        .contains("broker           127.0.0.1:9092 (listens on 127.0.0.1 only: this machine)")
        .contains("schema registry  http://127.0.0.1:8081 (listens on 127.0.0.1 only: this machine)")
        .contains("selector         http://127.0.0.1:8085 (interactive queries, adapt status; "
            + "listens on 127.0.0.1 only: this machine)");
  }

  @Test
  void shouldSayAnEndpointIsReachableFromOtherMachinesWhenItListensOnEveryInterface() {
    assertThat(LocalReport.listening(LocalReport.hostOf("http://0.0.0.0:8085")))
        .isEqualTo("listens on 0.0.0.0: every interface, reachable from other machines");
    assertThat(LocalReport.listening(LocalReport.hostOf("http://[::1]:8085")))
        .isEqualTo("listens on ::1 only: this machine");
    assertThat(LocalReport.listening(LocalReport.hostOf("tcp://10.0.0.5:9092")))
        .isEqualTo("listens on 10.0.0.5: reachable from its network");
  }
}
