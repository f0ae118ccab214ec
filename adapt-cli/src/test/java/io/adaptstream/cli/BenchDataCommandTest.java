package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.benchmark.Manifest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchDataCommandTest {

  @Test
  void shouldWriteTheQuickBenchmarkWithAManifestInReleaseOrder(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of("bench-data", "--out", dir.toString(), "--seed", "3", "--quick");

    assertThat(run.exitCode()).as(run.err()).isZero();
    Manifest manifest = Manifest.read(dir);
    assertThat(manifest.seed()).isEqualTo(3);
    assertThat(manifest.releases()).extracting(Manifest.Release::name).first().isEqualTo("pretrain");
    assertThat(manifest.releases()).hasSize(6);
    assertThat(dir.resolve(manifest.releases().get(1).file())).isRegularFile();
    assertThat(run.out()).contains("r1-llava-mix");
  }
}
