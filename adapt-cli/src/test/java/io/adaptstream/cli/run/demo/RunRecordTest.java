package io.adaptstream.cli.run.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.cli.run.PipelineSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecordTest {

  @TempDir
  Path tmp;

  @Test
  void shouldKeepWhatAReplayNeedsAndRebuildTheRunsSettings() throws Exception {
    // given a recorded run
    RunRecord record = new RunRecord("random-1", "random", 5, "QUICK", true, "/x/data", "/x/local", "pretrain",
        List.of("r1", "r2"), Map.of("trainer.epochs", "2"), null, "2026-01-01T00:00:00Z",
        Map.of("trainer", Map.of("trainer.epochs", "2")), "equal");

    // when it is written and read back
    record.write(tmp);
    RunRecord read = RunRecord.read(tmp);

    // then it is the same, and gives the run's settings and releases
    assertThat(read).isEqualTo(record);
    assertThat(Files.readString(tmp.resolve("run.json"))).contains("\"localDir\" : \"/x/local\"");
    assertThat(read.settings()).isEqualTo(new PipelineSettings("random-1", "random", 5, true,
        Map.of("trainer.epochs", "2")));
    assertThat(read.publishedData().taskReleases()).containsExactly("r1", "r2");
    assertThat(read.publishedData().publish()).isFalse();
  }

  @Test
  void shouldSayWhenADirectoryHoldsNoRun() {
    assertThatThrownBy(() -> RunRecord.read(tmp)).hasMessageContaining("not a run directory");
  }
}
