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
 * they are the same on every JDK) are pinned to the SHA-256s of design v2 with 50 tests per skill. Their train
 * entries are those of design v1, where they were first generated (checked when the test count changed, see the
 * change log of {@code docs/benchmark.md}).
 * Only an intentional change of a task release, with its entry in the change log of {@code docs/benchmark.md},
 * may update these hashes.
 */
class TaskReleasesPinnedTest {

  private static final Map<String, String> PINNED = new LinkedHashMap<>();

  static {
    PINNED.put("r1-llava-mix", "df375ee35366e7770fdcebb3e7c5bf43695b2d7ca71ed45f465e8fc5795ead9f");
    PINNED.put("r2-m3it-many", "d12b0c7a2a93b3f6ccb7d1724521ecd266b3ec1ef7124d89b6aeec8ff9db64c0");
    PINNED.put("r3-minigpt4-detail", "2d483867f4f33cc187f6c2de81d221e40fd200bf6ad61e3ba95f82325dc0a0ef");
    PINNED.put("r4-mantis-multi", "4588858cd49a9f051a7bf0258c417101e1f5666eff3f0a56cab287e88fc78368");
    PINNED.put("r5-visionflan-fine", "6ece2ee1ae285e3ad658018c4bced95af71fec9e61b992be3cd086608c013a31");
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
        hashes.put(release.name(), Seeds.sha256Hex(bytes.toByteArray()));
      }
    }

    assertThat(hashes).isEqualTo(PINNED);
  }
}
