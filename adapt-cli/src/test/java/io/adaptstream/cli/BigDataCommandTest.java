package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
  void shouldExplainItselfInHelpTextThatPicocliCanFormat() {
    CliRun run = CliRun.of("big-data", "--help");
    CommandLine.Model.UsageMessageSpec usage =
        AdaptCli.commandLine(new AdaptCli()).getSubcommands().get("big-data").getCommandSpec().usageMessage();

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("about 1% exact duplicates and 2% bad entries", "publish-memory.sh");
    // picocli formats each line with String.format and prints it raw, with a warning, when that fails
    assertThat(Stream.concat(Stream.of(usage.description()), Stream.of(usage.footer())))
        .allSatisfy(line -> assertThatCode(() -> String.format(line)).doesNotThrowAnyException());
  }

  @Test
  void shouldRefuseASizeItCannotRead(@TempDir Path dir) {
    CliRun run = CliRun.of("big-data", "--out", dir.toString(), "--size", "lots");

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(run.err()).contains("--size must look like 200m or 1g");
  }
}
