package io.adaptstream.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** A generated benchmark read back from disk the way a consumer would: manifest, LLaVA files, annotations. */
final class GeneratedBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static GeneratedBenchmark quick;
  private static Manifest quickGenerated;

  final Path dir;
  final Manifest manifest;
  /** Release name → its LLaVA entries in file order. */
  final Map<String, List<JsonNode>> samples = new LinkedHashMap<>();
  /** Release name → its annotation lines, in the same order as the samples. */
  final Map<String, List<JsonNode>> annotations = new LinkedHashMap<>();

  GeneratedBenchmark(Path dir) throws IOException {
    this.dir = dir;
    this.manifest = Manifest.read(dir);
    for (Manifest.Release release : manifest.releases()) {
      List<JsonNode> entries = new ArrayList<>();
      JSON.readTree(dir.resolve(release.file()).toFile()).forEach(entries::add);
      samples.put(release.name(), entries);
      List<JsonNode> notes = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve(release.annotations()), StandardCharsets.UTF_8)) {
        notes.add(JSON.readTree(line));
      }
      annotations.put(release.name(), notes);
    }
  }

  /**
   * The QUICK benchmark of seed 0, generated once per test JVM (into a temporary directory removed when the JVM
   * exits) and shared by the test classes that only read it, so it is generated once, not once per class.
   */
  static synchronized GeneratedBenchmark quick() throws IOException {
    if (quick == null) {
      Path dir = Files.createTempDirectory("skill-world-quick");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
      quickGenerated = SkillWorld.generate(dir, 0, Size.QUICK);
      quick = new GeneratedBenchmark(dir);
    }
    return quick;
  }

  /** The manifest {@link SkillWorld#generate} returned for {@link #quick()}. */
  static synchronized Manifest quickGenerated() throws IOException {
    quick();
    return quickGenerated;
  }

  private static void deleteQuietly(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory: the OS cleans it up eventually
    }
  }

  List<JsonNode> samples(String release, String split) {
    return samples.get(release).stream().filter(s -> s.get("split").asText().equals(split)).toList();
  }

  List<JsonNode> allSamples() {
    return samples.values().stream().flatMap(List::stream).toList();
  }

  List<JsonNode> allAnnotations() {
    return annotations.values().stream().flatMap(List::stream).toList();
  }

  /** The sample and its annotation, joined by id. */
  Map<String, JsonNode> annotationsById() {
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    allAnnotations().forEach(a -> byId.put(a.get("id").asText(), a));
    return byId;
  }

  static List<String> imagePaths(JsonNode sample) {
    List<String> paths = new ArrayList<>();
    if (sample.has("image")) {
      paths.add(sample.get("image").asText());
    }
    if (sample.has("images")) {
      sample.get("images").forEach(p -> paths.add(p.asText()));
    }
    return paths;
  }

  static List<String> turns(JsonNode sample) {
    List<String> turns = new ArrayList<>();
    sample.get("conversations").forEach(t -> turns.add(t.get("value").asText()));
    return turns;
  }

  static String question(JsonNode sample) {
    List<String> turns = turns(sample);
    return turns.get(turns.size() - 2).replace(SkillWorld.IMAGE_TOKEN, "").strip();
  }

  static String answer(JsonNode sample) {
    List<String> turns = turns(sample);
    return turns.get(turns.size() - 1);
  }

  byte[] imageBytes(String relative) {
    try {
      return Files.readAllBytes(dir.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  BufferedImage image(String relative) {
    try {
      return ImageIO.read(new ByteArrayInputStream(imageBytes(relative)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
