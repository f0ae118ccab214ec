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
 * they are the same on every JDK) are pinned to the SHA-256s of design v1, where they were first generated.
 * Only an intentional change of a task release, with its entry in the change log of {@code docs/benchmark.md},
 * may update these hashes.
 */
class TaskReleasesPinnedTest {

  private static final Map<String, String> V1 = new LinkedHashMap<>();

  static {
    V1.put("r1-llava-mix", "f7b9bfa1799a00099594f5813e8030ac8f56d42224427fe47f80e2e56703bead");
    V1.put("r2-m3it-many", "99dfa9ae660a818d1e21571995aa9b75e10667004832378ba28a2cf571a08084");
    V1.put("r3-minigpt4-detail", "9cd0111bc9942af14967b06be4af61e3d5b4288147ac043700183fd629891493");
    V1.put("r4-mantis-multi", "ad7760df1f678de33d1435a1313af78cfd84ebc4930e6013d9490c4e76aa6149");
    V1.put("r5-visionflan-fine", "dca87b4e57086d9f8eeac7e85088eadfe2c885dedff05ff92396e082e4775849");
  }

  @Test
  void shouldKeepEveryQuickTaskReleaseByteIdenticalToDesignV1() throws Exception {
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

    assertThat(hashes).isEqualTo(V1);
  }
}
