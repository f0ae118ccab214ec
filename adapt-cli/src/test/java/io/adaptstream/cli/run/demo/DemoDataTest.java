package io.adaptstream.cli.run.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.avro.ReleaseRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDataTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private Path release(String name, int train, int test, int skills) throws Exception {
    List<Object> entries = new ArrayList<>();
    for (int i = 0; i < train; i++) {
      entries.add(java.util.Map.of("id", name + "-train-" + i, "skill", "s" + (i * skills / train),
          "conversations", List.of(), "split", "train"));
    }
    for (int i = 0; i < test; i++) {
      entries.add(java.util.Map.of("id", name + "-test-" + i, "skill", "s" + i, "conversations", List.of(),
          "split", "test"));
    }
    Path file = tmp.resolve(name + ".json");
    JSON.writeValue(file.toFile(), entries);
    return file;
  }

  @Test
  void shouldSliceEveryReleaseEvenlyKeepingBothSplits() throws Exception {
    // given a release of 100 train samples in 5 skill blocks and 20 test samples
    DemoData data = new DemoData(List.of(
        new DemoData.Release("pre", ReleaseRole.PRETRAIN, release("pre", 30, 5, 1), tmp),
        new DemoData.Release("r1", ReleaseRole.TASK, release("r1", 100, 20, 5), tmp)), true);

    // when it is sliced to 10 train and 4 test samples
    DemoData sliced = data.slice(10, 4, tmp.resolve("slice"));

    // then each file holds that many of each split, spread over all skills, and images stay where they were
    JsonNode r1 = JSON.readTree(sliced.releases().get(1).file().toFile());
    List<String> splits = new ArrayList<>();
    Set<String> trainSkills = new HashSet<>();
    r1.forEach(e -> {
      splits.add(e.get("split").asText());
      if ("train".equals(e.get("split").asText())) {
        trainSkills.add(e.get("skill").asText());
      }
    });
    assertThat(splits).hasSize(14).filteredOn("train"::equals).hasSize(10);
    assertThat(trainSkills).containsExactlyInAnyOrder("s0", "s1", "s2", "s3", "s4");
    assertThat(sliced.releases().get(1).imageRoot()).isEqualTo(tmp);
    assertThat(sliced.releases().get(1).file().getParent()).isEqualTo(tmp.resolve("slice"));
    assertThat(Files.size(sliced.releases().get(0).file())).isPositive();
  }

  @Test
  void shouldCountStepsAsTaskReleasesAndKeepThePretrainingReleaseWhenCut() throws Exception {
    DemoData data = DemoData.published("pre", List.of("r1", "r2", "r3"));

    assertThat(data.steps()).isEqualTo(3);
    assertThat(data.firstTasks(2).taskReleases()).containsExactly("r1", "r2");
    assertThat(data.firstTasks(2).pretrainRelease()).isEqualTo("pre");
    assertThat(data.publish()).isFalse();
    assertThatThrownBy(() -> data.slice(1, 1, tmp)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> DemoData.published("pre", List.of())).hasMessageContaining("at least one task release");
  }
}
