package io.adaptstream.cli.run.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.benchmark.Manifest;
import io.adaptstream.ingest.SourceIds;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A generated benchmark's per-sample annotations ({@code DIR/annotations/<release>.jsonl}), keyed by the
 * pipeline's sample id, for the table's diagnostics only: no method ever reads them.
 *
 * <p>The annotations name a sample by the release file's {@code id} field ({@code r1-llava-mix-train-000123}),
 * while the pipeline (and so a run's {@code selections.json}) names it by the sha256 of its content, computed at
 * publishing. The join goes through {@link SourceIds}, which hashes each release file's entries exactly as
 * publishing does. A sliced copy of the releases ({@code --max-samples}) holds the same entries, so the full
 * benchmark's files give the same ids.
 *
 * @param dir the benchmark directory (the one holding {@code manifest.json})
 * @param bySampleId pipeline sample id → its annotation
 */
public record BenchmarkAnnotations(Path dir, Map<String, Annotation> bySampleId) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public BenchmarkAnnotations {
    bySampleId = Map.copyOf(bySampleId);
  }

  /**
   * One sample's annotation.
   *
   * @param sourceId the release file's {@code id} of the sample
   * @param defects among {@link Manifest#LABEL_NOISE}, {@link Manifest#NEAR_DUPLICATE},
   *     {@link Manifest#IMAGE_NOT_NEEDED}
   */
  public record Annotation(String sourceId, String release, String skill, Set<String> defects) {
    public Annotation {
      defects = Set.copyOf(defects);
    }
  }

  /**
   * {@code dir} when it holds a generated benchmark with its annotations (a {@code manifest.json} whose every
   * release has its annotations file); empty for anything else, e.g. a user's own releases.
   */
  public static Optional<Path> locate(Path dir) {
    if (dir == null || !Files.isRegularFile(dir.resolve(Manifest.FILE_NAME))) {
      return Optional.empty();
    }
    Manifest manifest;
    try {
      manifest = Manifest.read(dir);
    } catch (RuntimeException e) {
      return Optional.empty(); // not a benchmark's manifest
    }
    boolean all = !manifest.releases().isEmpty() && manifest.releases().stream()
        .allMatch(r -> r.annotations() != null && Files.isRegularFile(dir.resolve(r.annotations())));
    return all ? Optional.of(dir.toAbsolutePath().normalize()) : Optional.empty();
  }

  /** Reads the annotations of every release of the benchmark in {@code dir} and keys them by pipeline id. */
  public static BenchmarkAnnotations load(Path dir) throws IOException {
    Manifest manifest = Manifest.read(dir);
    Map<String, Annotation> out = new HashMap<>();
    for (Manifest.Release r : manifest.releases()) {
      Map<String, String> ids = SourceIds.of(dir.resolve(r.file()), dir);
      try (BufferedReader in = Files.newBufferedReader(dir.resolve(r.annotations()), StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode node = JSON.readTree(line);
          String sourceId = node.path("id").asText();
          String sampleId = ids.get(sourceId);
          if (sampleId == null) {
            continue; // an entry publishing would reject: never in the pipeline
          }
          Set<String> defects = new TreeSet<>();
          node.path("defects").forEach(d -> defects.add(d.asText()));
          out.put(sampleId, new Annotation(sourceId, r.name(), node.path("skill").asText(null), defects));
        }
      }
    }
    return new BenchmarkAnnotations(dir.toAbsolutePath().normalize(), out);
  }
}
