package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BigDataCommandTest {

  @Test
  void shouldWriteAJsonlFileOfTheAskedSizeAndPrintWhatAPublishMustReport(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of("big-data", "--out", dir.toString(), "--size", "100k", "--format", "jsonl");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode summary = new ObjectMapper().readTree(run.out());
    Path file = dir.resolve("big.jsonl");
    assertThat(summary.get("file").asText()).isEqualTo(file.toString());
    assertThat(summary.get("bytes").asLong()).isEqualTo(Files.size(file)).isGreaterThanOrEqualTo(100 * 1024);
    assertThat(summary.get("accepted").asLong()).isPositive();
  }

  @Test
  void shouldRefuseASizeItCannotRead(@TempDir Path dir) {
    CliRun run = CliRun.of("big-data", "--out", dir.toString(), "--size", "lots");

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(run.err()).contains("--size must look like 200m or 1g");
  }
}
