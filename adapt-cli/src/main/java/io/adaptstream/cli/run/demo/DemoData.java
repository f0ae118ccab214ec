package io.adaptstream.cli.run.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.benchmark.Manifest;
import io.adaptstream.benchmark.Size;
import io.adaptstream.benchmark.SkillWorld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The releases a demo run works through, in publishing order: the pretraining release, then the task releases
 * that become steps 1, 2, ... Either they still have to be published (from LLaVA files), or they are already in
 * the ingest log (a replay) and only their names matter.
 *
 * @param publish whether the job publishes the files; false when the log already holds the releases
 */
public record DemoData(List<Release> releases, boolean publish) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One release.
   *
   * @param file the LLaVA JSON (null when already published)
   * @param imageRoot the directory the file's image paths are relative to (null when already published)
   */
  public record Release(String name, ReleaseRole role, Path file, Path imageRoot) {
    public Release {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(role, "role");
    }
  }

  public DemoData {
    releases = List.copyOf(releases);
    if (releases.stream().noneMatch(r -> r.role() == ReleaseRole.TASK)) {
      throw new IllegalArgumentException("a demo needs at least one task release");
    }
  }

  /** Generates the skill-world benchmark into {@code dir} and returns its releases in manifest order. */
  public static DemoData generate(Path dir, long seed, Size size) throws IOException {
    return of(SkillWorld.generate(dir, seed, size), dir);
  }

  /** The releases of a generated benchmark in {@code dir}. */
  public static DemoData of(Manifest manifest, Path dir) {
    List<Release> releases = new ArrayList<>();
    for (Manifest.Release r : manifest.releases()) {
      ReleaseRole role = r.role() == Manifest.Role.PRETRAIN ? ReleaseRole.PRETRAIN : ReleaseRole.TASK;
      releases.add(new Release(r.name(), role, dir.resolve(r.file()), dir));
    }
    return new DemoData(releases, true);
  }

  /** Releases the ingest log already holds (a replay): the job publishes nothing and waits for these steps. */
  public static DemoData published(String pretrainRelease, List<String> taskReleases) {
    List<Release> releases = new ArrayList<>();
    if (pretrainRelease != null) {
      releases.add(new Release(pretrainRelease, ReleaseRole.PRETRAIN, null, null));
    }
    taskReleases.forEach(name -> releases.add(new Release(name, ReleaseRole.TASK, null, null)));
    return new DemoData(releases, false);
  }

  /** The same data as already published: what a replay of a run that published it works through. */
  public DemoData asPublished() {
    return new DemoData(releases.stream().map(r -> new Release(r.name(), r.role(), null, null)).toList(), false);
  }

  /** The pretraining release and the first {@code tasks} task releases. */
  public DemoData firstTasks(int tasks) {
    List<Release> kept = new ArrayList<>();
    int n = 0;
    for (Release r : releases) {
      if (r.role() == ReleaseRole.PRETRAIN || n++ < tasks) {
        kept.add(r);
      }
    }
    return new DemoData(kept, publish);
  }

  /**
   * A smaller copy for tests and smoke runs: at most {@code train} train and {@code test} test samples per release,
   * spread evenly over each file (so every skill keeps a share), written to {@code dir}; images stay where they are.
   */
  public DemoData slice(int train, int test, Path dir) throws IOException {
    if (!publish) {
      throw new IllegalStateException("only data still to publish can be sliced");
    }
    Files.createDirectories(dir);
    List<Release> out = new ArrayList<>();
    for (Release r : releases) {
      JsonNode all = JSON.readTree(r.file().toFile());
      List<JsonNode> trainEntries = new ArrayList<>();
      List<JsonNode> testEntries = new ArrayList<>();
      all.forEach(e -> ("test".equals(e.path("split").asText("train")) ? testEntries : trainEntries).add(e));
      ArrayNode kept = JSON.createArrayNode();
      spread(trainEntries, train).forEach(kept::add);
      spread(testEntries, test).forEach(kept::add);
      Path file = dir.resolve(r.file().getFileName());
      JSON.writeValue(file.toFile(), kept);
      out.add(new Release(r.name(), r.role(), file, r.imageRoot()));
    }
    return new DemoData(out, true);
  }

  private static List<JsonNode> spread(List<JsonNode> entries, int n) {
    if (entries.size() <= n) {
      return entries;
    }
    List<JsonNode> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(entries.get((int) ((long) i * entries.size() / n)));
    }
    return out;
  }

  /** The task releases, in step order (step t is the t-th). */
  public List<String> taskReleases() {
    return releases.stream().filter(r -> r.role() == ReleaseRole.TASK).map(Release::name).toList();
  }

  /** The number of steps: one per task release. */
  public int steps() {
    return taskReleases().size();
  }

  /** The pretraining release's name, if there is one. */
  public String pretrainRelease() {
    return releases.stream().filter(r -> r.role() == ReleaseRole.PRETRAIN).map(Release::name).findFirst()
        .orElse(null);
  }
}
