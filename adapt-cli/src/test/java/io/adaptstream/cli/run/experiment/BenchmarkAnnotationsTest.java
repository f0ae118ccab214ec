package io.adaptstream.cli.run.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkAnnotationsTest {

  @TempDir
  Path tmp;

  @Test
  void shouldKeyEachAnnotationByThePipelinesContentHashIdNotTheFilesId() throws IOException {
    // given a benchmark with four annotated samples
    Path dir = BenchmarkFixture.write(tmp.resolve("bench"));

    // when its annotations are loaded
    BenchmarkAnnotations a = BenchmarkAnnotations.load(dir);

    // then every sample is keyed by its sha256 content id: the text-only ones by the id the documented
    // canonical form gives, with the defects of the file id they carry
    assertThat(a.bySampleId()).hasSize(4);
    assertThat(a.bySampleId().keySet()).allMatch(k -> k.matches("[0-9a-f]{64}"));
    BenchmarkAnnotations.Annotation sum = a.bySampleId().get(BenchmarkFixture.textOnlyId("What is 2 + 2?", "4"));
    assertThat(sum.sourceId()).isEqualTo("r1-train-000002");
    assertThat(sum.defects()).containsExactlyInAnyOrder("near_duplicate", "image_not_needed");
    assertThat(sum.skill()).isEqualTo("language.arith");
    assertThat(a.bySampleId().get(BenchmarkFixture.textOnlyId("What is 3 + 3?", "7")).defects())
        .containsExactly("label_noise");
    assertThat(a.bySampleId().values()).extracting(BenchmarkAnnotations.Annotation::sourceId)
        .containsExactlyInAnyOrder("r1-train-000000", "r1-train-000001", "r1-train-000002", "r1-train-000003");
  }

  @Test
  void shouldLocateOnlyABenchmarkWhoseReleasesHaveAnnotations() throws IOException {
    // given a benchmark, a directory of a user's own releases, and a benchmark whose annotations are gone
    Path bench = BenchmarkFixture.write(tmp.resolve("bench"));
    Path user = Files.createDirectories(tmp.resolve("user"));
    Files.writeString(user.resolve("mine.json"), "[]");
    Path stripped = BenchmarkFixture.write(tmp.resolve("stripped"));
    Files.delete(stripped.resolve("annotations/r1.jsonl"));

    // then only the first is located
    assertThat(BenchmarkAnnotations.locate(bench)).contains(bench.toAbsolutePath().normalize());
    assertThat(BenchmarkAnnotations.locate(user)).isEmpty();
    assertThat(BenchmarkAnnotations.locate(stripped)).isEmpty();
    assertThat(BenchmarkAnnotations.locate(null)).isEmpty();
  }
}
