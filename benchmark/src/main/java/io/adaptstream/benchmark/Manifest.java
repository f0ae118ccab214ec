package io.adaptstream.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a generated benchmark holds: {@code manifest.json} in the output directory, as a record.
 *
 * <p>It is everything a caller needs to publish the releases in order (file, role) and to read results per
 * skill (each skill's group), plus the counts of every defect, so a report can state what each release
 * contained without opening it.
 *
 * @param design the version of the benchmark's design ({@code docs/benchmark.md}, change log); 0 when read from
 *     a manifest written before the version was recorded (v1)
 * @param skills skill label → group, for every skill of the benchmark
 * @param untested labels of the skills that are trained on but never tested (the pretraining primitives): they
 *     have no test split, so an evaluation, and the average accuracy over skills, leaves them out
 */
public record Manifest(int design, long seed, Size size, List<Release> releases, Map<String, String> skills,
    List<String> untested) {

  public static final String FILE_NAME = "manifest.json";
  /** The defect names, in {@link Release#defects()} and in the annotations' {@code defects} arrays. */
  public static final String NEAR_DUPLICATE = "near_duplicate";
  public static final String LABEL_NOISE = "label_noise";
  public static final String IMAGE_NOT_NEEDED = "image_not_needed";
  /** The design version this code generates: a manifest with another {@link #design()} is from older code. */
  public static final int CURRENT_DESIGN = BenchmarkDesign.VERSION;

  private static final ObjectMapper JSON = new ObjectMapper();
  // "\n" on every platform, so the same seed gives the same bytes everywhere
  private static final DefaultIndenter NEWLINE = new DefaultIndenter("  ", "\n");
  private static final ObjectWriter WRITER = JSON.writer(
      new DefaultPrettyPrinter().withObjectIndenter(NEWLINE).withArrayIndenter(NEWLINE));

  public Manifest {
    releases = List.copyOf(releases);
    skills = Collections.unmodifiableMap(new LinkedHashMap<>(skills));
    untested = untested == null ? List.of() : List.copyOf(untested);
  }

  /** A PRETRAIN release trains the base model and never enters the selection pool; TASK releases are the steps. */
  public enum Role { PRETRAIN, TASK }

  /**
   * One release file.
   *
   * @param file the LLaVA JSON, relative to the manifest's directory (image paths inside it are relative to it too)
   * @param annotations per-sample ground truth and defect labels (JSON lines), relative to the manifest's
   *     directory; for analysis only, never published
   * @param mirrors the real dataset whose shape the release imitates
   * @param images number of PNG files the release references
   * @param skills per skill: train and test samples
   * @param defects train samples per defect: {@link #NEAR_DUPLICATE}, {@link #LABEL_NOISE}, {@link #IMAGE_NOT_NEEDED}
   * @param twoTurn train samples that are two-turn dialogues
   */
  public record Release(
      String name,
      String file,
      String annotations,
      Role role,
      String mirrors,
      int train,
      int test,
      int images,
      Map<String, SkillCounts> skills,
      Map<String, Integer> defects,
      int twoTurn) {

    public Release {
      skills = Collections.unmodifiableMap(new LinkedHashMap<>(skills));
      defects = Collections.unmodifiableMap(new LinkedHashMap<>(defects));
    }
  }

  /** Samples of one skill in one release. */
  public record SkillCounts(int train, int test) {}

  /** Reads {@code manifest.json}, given either the file itself or the directory holding it. */
  public static Manifest read(Path path) {
    Path file = Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
    try {
      return JSON.readValue(file.toFile(), Manifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read benchmark manifest " + file, e);
    }
  }

  void write(Path file) throws IOException {
    Files.writeString(file, WRITER.writeValueAsString(this) + "\n");
  }

  /** The release called {@code name}. */
  public Release release(String name) {
    return releases.stream().filter(r -> r.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no release " + name));
  }
}
