package io.adaptstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BigDatasetTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void shouldWriteAJsonArrayOfAtLeastTheTargetSizeWhoseCountsAddUp() throws IOException {
    // when
    BigDataset.Summary s = BigDataset.generate(dir, BigDataset.Layout.ARRAY, 2_000_000, 0);

    // then the file is one JSON array of the counted entries, at least as big as asked
    assertThat(s.bytes()).isEqualTo(Files.size(s.file())).isGreaterThanOrEqualTo(2_000_000);
    JsonNode array = JSON.readTree(s.file().toFile());
    assertThat(array.isArray()).isTrue();
    assertThat((long) array.size()).isEqualTo(s.entries());
    long rejected = s.rejected().values().stream().mapToLong(Long::longValue).sum();
    assertThat(s.accepted() + s.duplicates() + rejected).isEqualTo(s.entries());
    assertThat(s.duplicates()).isPositive();
    assertThat(s.rejected().keySet()).isSubsetOf(BigDataset.reasons());
    // and the good entries reference the few shared images, which exist
    Set<String> images = new HashSet<>();
    array.forEach(e -> {
      if (e.isObject() && e.path("id").asText().startsWith("e") && e.has("image")) {
        images.add(e.get("image").asText());
      }
    });
    assertThat(images).isNotEmpty().hasSizeLessThanOrEqualTo(BigDataset.IMAGES)
        .allSatisfy(i -> assertThat(dir.resolve(i)).isRegularFile());
  }

  @Test
  void shouldWriteOneEntryPerLineAndTheSameBytesForTheSameSeed() throws IOException {
    // when the same seed is generated twice, and another seed once
    BigDataset.Summary a = BigDataset.generate(dir.resolve("a"), BigDataset.Layout.LINES, 200_000, 3);
    BigDataset.Summary b = BigDataset.generate(dir.resolve("b"), BigDataset.Layout.LINES, 200_000, 3);
    BigDataset.Summary c = BigDataset.generate(dir.resolve("c"), BigDataset.Layout.LINES, 200_000, 4);

    // then
    List<String> lines = Files.readAllLines(a.file());
    assertThat((long) lines.size()).isEqualTo(a.entries());
    assertThat(Files.mismatch(a.file(), b.file())).isEqualTo(-1L);
    assertThat(Files.mismatch(a.file(), c.file())).isNotEqualTo(-1L);
    assertThat(Files.mismatch(dir.resolve("a/images/img-0.png"), dir.resolve("b/images/img-0.png"))).isEqualTo(-1L);
  }
}
