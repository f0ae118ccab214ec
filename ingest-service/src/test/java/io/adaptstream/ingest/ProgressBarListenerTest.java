package io.adaptstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressBarListenerTest {

  @Test
  void shouldDrawTheReleaseProgressAndFinishAtOneHundredPercent() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProgressBarListener listener = new ProgressBarListener(new PrintStream(out, true, StandardCharsets.UTF_8));

    listener.started("r1-mix", 4096);
    listener.progress(1024, 4096, 3);
    listener.finished(new IngestResult("r1-mix", 1, 12, 0, Map.of(), false, List.of()));

    String drawn = out.toString(StandardCharsets.UTF_8);
    assertThat(drawn).contains("r1-mix").contains("100%").contains("12 accepted");
  }
}
