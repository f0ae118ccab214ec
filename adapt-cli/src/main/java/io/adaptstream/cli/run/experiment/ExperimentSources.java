package io.adaptstream.cli.run.experiment;

import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.benchmark.Manifest;
import io.adaptstream.benchmark.Size;
import io.adaptstream.cli.run.demo.DemoData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where an experiment's releases come from, as {@link ExperimentJob.Source}s: the skill-world benchmark, generated
 * per seed, or the user's own release files, the same for every seed. Beside the job, so that {@code adapt
 * experiment} only chooses one and any other caller gets the same data the same way.
 */
public final class ExperimentSources {

  /** Where a seed's data goes in its directory: the generated benchmark, with its annotations. */
  public static final String DATA_DIR = "data";

  /** Cuts a seed's releases down (fewer tasks, fewer samples) before they are published; may write in dataDir. */
  @FunctionalInterface
  public interface Trim {
    DemoData apply(DemoData data, Path dataDir) throws IOException;
  }

  private ExperimentSources() {}

  /** The benchmark of {@code size}, generated into each seed's directory from the seed, with its annotations. */
  public static ExperimentJob.Source benchmark(Size size, Trim trim) {
    return new ExperimentJob.Source() {
      @Override
      public DemoData data(long seed, Path seedDir) throws IOException {
        Path dataDir = seedDir.resolve(DATA_DIR);
        return trim.apply(DemoData.generate(dataDir, seed, size), dataDir);
      }

      @Override
      public Optional<Path> benchmark(long seed, Path seedDir) {
        return BenchmarkAnnotations.locate(seedDir.resolve(DATA_DIR));
      }
    };
  }

  /**
   * The user's releases, the same for every seed, named after their files.
   *
   * @param images the directory the releases' image paths are relative to; empty: each file's directory
   */
  public static ExperimentJob.Source releases(List<Path> releases, Optional<Path> pretrain, Optional<Path> images,
      Trim trim) {
    List<Path> files = new ArrayList<>(releases);
    pretrain.ifPresent(files::add);
    return new ExperimentJob.Source() {
      @Override
      public DemoData data(long seed, Path seedDir) throws IOException {
        List<DemoData.Release> list = new ArrayList<>();
        pretrain.ifPresent(p -> list.add(new DemoData.Release(releaseName(p), ReleaseRole.PRETRAIN,
            p.toAbsolutePath(), imageRoot(p, images))));
        for (Path f : releases) {
          list.add(new DemoData.Release(releaseName(f), ReleaseRole.TASK, f.toAbsolutePath(), imageRoot(f, images)));
        }
        return trim.apply(new DemoData(list, true), seedDir.resolve(DATA_DIR));
      }

      @Override
      public Optional<Path> benchmark(long seed, Path seedDir) {
        return benchmarkOf(files);
      }
    };
  }

  /**
   * The benchmark {@code files} come from, when they are the files of one generated with annotations
   * ({@code adapt bench-data}): every file is listed in the {@code manifest.json} of the first file's directory.
   * Empty for any other releases: their diagnostics skip the selection shares.
   */
  public static Optional<Path> benchmarkOf(List<Path> files) {
    if (files.isEmpty()) {
      return Optional.empty();
    }
    Path dir = files.get(0).toAbsolutePath().normalize().getParent();
    Optional<Path> found = BenchmarkAnnotations.locate(dir);
    if (found.isEmpty()) {
      return found;
    }
    Set<Path> listed = new HashSet<>();
    Manifest.read(dir).releases().forEach(r -> listed.add(dir.resolve(r.file()).normalize()));
    return files.stream().allMatch(f -> listed.contains(f.toAbsolutePath().normalize())) ? found
        : Optional.empty();
  }

  /** A release name from a file name: {@code data/r1 LLaVA.json} → {@code r1-llava}. */
  public static String releaseName(Path file) {
    String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "").toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9._-]+", "-");
    return name.isEmpty() ? "release" : name;
  }

  private static Path imageRoot(Path file, Optional<Path> images) {
    return images.orElse(file.toAbsolutePath().getParent()).toAbsolutePath();
  }
}
