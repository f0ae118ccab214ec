package io.adaptstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkillWorldDeterminismTest {

  @TempDir
  Path tmp;

  @Test
  void shouldWriteByteIdenticalFilesForTheSameSeedAndDifferentDataForAnotherSeed() throws IOException {
    Path first = tmp.resolve("first");
    Path second = tmp.resolve("second");
    Path other = tmp.resolve("other");

    SkillWorld.generate(first, 5, Size.QUICK);
    SkillWorld.generate(second, 5, Size.QUICK);
    SkillWorld.generate(other, 6, Size.QUICK);

    Map<String, String> a = hashes(first);
    assertThat(a).hasSizeGreaterThan(3000).containsKey("manifest.json").containsKey("r3-minigpt4-detail.json");
    assertThat(hashes(second)).isEqualTo(a);
    Map<String, String> b = hashes(other);
    for (Manifest.Release release : Manifest.read(first).releases()) {
      assertThat(b.get(release.file())).as(release.file()).isNotEqualTo(a.get(release.file()));
    }
  }

  @Test
  void shouldReplaceAnEarlierBenchmarkInTheSameDirectoryWithoutLeftovers() throws IOException {
    Path reused = tmp.resolve("reused");
    SkillWorld.generate(reused, 1, Size.QUICK);
    Path stale = reused.resolve("images").resolve("stale.png");
    Files.writeString(stale, "left over");

    SkillWorld.generate(reused, 2, Size.QUICK);

    GeneratedBenchmark bench = new GeneratedBenchmark(reused);
    Set<String> expected = new HashSet<>(Set.of(Manifest.FILE_NAME));
    for (Manifest.Release release : bench.manifest.releases()) {
      expected.add(release.file());
      expected.add(release.annotations());
    }
    bench.allSamples().forEach(s -> expected.addAll(GeneratedBenchmark.imagePaths(s)));
    assertThat(bench.manifest.seed()).isEqualTo(2);
    assertThat(stale).doesNotExist();
    assertThat(hashes(reused).keySet()).isEqualTo(expected);
  }

  @Test
  void shouldRefuseANonEmptyDirectoryThatHoldsNoBenchmark() throws IOException {
    Path busy = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(busy.resolve("notes.txt"), "mine");

    assertThatThrownBy(() -> SkillWorld.generate(busy, 0, Size.QUICK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not empty");
    assertThat(busy.resolve("notes.txt")).hasContent("mine");
  }

  /** Relative path → SHA-256 of every file under {@code root}. */
  private static Map<String, String> hashes(Path root) throws IOException {
    Map<String, String> hashes = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        hashes.put(root.relativize(file).toString(), RandomStreams.sha256Hex(Files.readAllBytes(file)));
      }
    }
    return hashes;
  }
}
