package io.adaptstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The task releases are the part of the benchmark every comparison is made on: a change to the pretraining
 * release must not move them. Their QUICK seed-0 files (LLaVA JSON and annotations, which hold no PNG bytes, so
 * they are the same on every JDK) are pinned to the SHA-256s of design v2 as amended for the main table (50
 * tests per skill, the FULL pretraining release at QUICK size; see the change log of {@code docs/benchmark.md}).
 * Only an intentional change of a task release, with its entry in the change log of {@code docs/benchmark.md},
 * may update these hashes.
 */
class TaskReleasesPinnedTest {

  private static final Map<String, String> PINNED = new LinkedHashMap<>();

  static {
    PINNED.put("r1-llava-mix", "32eaaf87f3a44032e62488c8124551cb99258c2c2b7bbd0e01721ea4053a4be8");
    PINNED.put("r2-m3it-many", "d12b0c7a2a93b3f6ccb7d1724521ecd266b3ec1ef7124d89b6aeec8ff9db64c0");
    PINNED.put("r3-minigpt4-detail", "d3d34d91e63449c35ac326f0ed4d3f53dc8fcfda80da83afb5be961be3e2ccb8");
    PINNED.put("r4-mantis-multi", "4588858cd49a9f051a7bf0258c417101e1f5666eff3f0a56cab287e88fc78368");
    PINNED.put("r5-visionflan-fine", "6c76e77211e81285ef9b17a7ed900dfb7e3d4a60e50d6c3707df3be6050dcb8c");
  }

  @Test
  void shouldKeepEveryQuickTaskReleaseByteIdenticalToDesignPINNED() throws Exception {
    GeneratedBenchmark bench = GeneratedBenchmark.quick();

    Map<String, String> hashes = new LinkedHashMap<>();
    for (Manifest.Release release : bench.manifest.releases()) {
      if (release.role() == Manifest.Role.TASK) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(Files.readAllBytes(bench.dir.resolve(release.file())));
        bytes.write(Files.readAllBytes(bench.dir.resolve(release.annotations())));
        hashes.put(release.name(), RandomStreams.sha256Hex(bytes.toByteArray()));
      }
    }

    assertThat(hashes).isEqualTo(PINNED);
  }
}
