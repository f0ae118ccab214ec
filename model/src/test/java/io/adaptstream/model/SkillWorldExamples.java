package io.adaptstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a skill-world release file (LLaVA JSON) into examples, for tests that train on the real benchmark. */
final class SkillWorldExamples {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SkillWorldExamples() {}

  static List<Example> load(Path dir, String file, String split) throws IOException {
    List<Example> out = new ArrayList<>();
    for (JsonNode n : JSON.readTree(dir.resolve(file).toFile())) {
      if (!split.equals(n.path("split").asText("train"))) {
        continue;
      }
      List<Turn> turns = new ArrayList<>();
      n.get("conversations").forEach(t -> turns.add(new Turn("human".equals(t.get("from").asText()),
          t.get("value").asText())));
      List<byte[]> images = new ArrayList<>();
      if (n.has("image")) {
        images.add(Files.readAllBytes(dir.resolve(n.get("image").asText())));
      }
      if (n.has("images")) {
        for (JsonNode p : n.get("images")) {
          images.add(Files.readAllBytes(dir.resolve(p.asText())));
        }
      }
      out.add(new Example(n.get("id").asText(), turns, images, n.path("skill").asText(null)));
    }
    return out;
  }
}
