package io.adaptstream.cli.run.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.benchmark.Manifest;
import io.adaptstream.benchmark.Size;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A tiny hand-made benchmark directory laid out as {@code SkillWorld} writes it: {@code manifest.json}, one release
 * file {@code r1.json} with four train samples (two with an image, two text-only) and their
 * {@code annotations/r1.jsonl}.
 */
public final class BenchmarkFixture {

  static final ObjectMapper JSON = new ObjectMapper();

  /** The file ids and their defects. */
  static final Map<String, List<String>> DEFECTS = Map.of(
      "r1-train-000000", List.of(),
      "r1-train-000001", List.of("label_noise"),
      "r1-train-000002", List.of("near_duplicate", "image_not_needed"),
      "r1-train-000003", List.of("label_noise"));

  private BenchmarkFixture() {}

  public static Path write(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("images/r1"));
    Files.createDirectories(dir.resolve("annotations"));
    Files.write(dir.resolve("images/r1/train-000000.png"), png(0xff0000));
    Files.write(dir.resolve("images/r1/train-000001.png"), png(0x0000ff));
    ArrayNode release = JSON.createArrayNode();
    release.add(sample("r1-train-000000", "images/r1/train-000000.png", "What colour?", "red", "vqa.colour"));
    release.add(sample("r1-train-000001", "images/r1/train-000001.png", "What colour?", "green", "vqa.colour"));
    release.add(sample("r1-train-000002", null, "What is 2 + 2?", "4", "language.arith"));
    release.add(sample("r1-train-000003", null, "What is 3 + 3?", "7", "language.arith"));
    JSON.writeValue(dir.resolve("r1.json").toFile(), release);
    StringBuilder notes = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      String id = String.format("r1-train-%06d", i);
      ObjectNode n = JSON.createObjectNode().put("id", id).put("split", "train")
          .put("skill", i < 2 ? "vqa.colour" : "language.arith");
      ArrayNode defects = n.putArray("defects");
      DEFECTS.get(id).forEach(defects::add);
      n.putNull("duplicate_of");
      notes.append(JSON.writeValueAsString(n)).append('\n');
    }
    Files.writeString(dir.resolve("annotations/r1.jsonl"), notes.toString());
    Manifest manifest = new Manifest(Manifest.CURRENT_DESIGN, 7, Size.QUICK, List.of(new Manifest.Release("r1", "r1.json",
        "annotations/r1.jsonl", Manifest.Role.TASK, "LLaVA", 4, 0, 2, Map.of(), Map.of(), 0)),
        Map.of("vqa.colour", "vqa", "language.arith", "language"), List.of());
    JSON.writeValue(dir.resolve(Manifest.FILE_NAME).toFile(), manifest);
    return dir;
  }

  private static ObjectNode sample(String id, String image, String q, String a, String skill) {
    ObjectNode node = JSON.createObjectNode().put("id", id);
    if (image != null) {
      node.put("image", image);
    }
    ArrayNode conv = node.putArray("conversations");
    conv.addObject().put("from", "human").put("value", (image != null ? "<image>\n" : "") + q);
    conv.addObject().put("from", "gpt").put("value", a);
    node.put("split", "train").put("skill", skill);
    return node;
  }

  private static byte[] png(int rgb) throws IOException {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /**
   * The pipeline id of a text-only train sample (one human, one gpt turn), computed here from the canonical form
   * documented in ingest's {@code SampleIds}, independently of the code under test.
   */
  static String textOnlyId(String question, String answer) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update("adapt.sample.v1".getBytes(StandardCharsets.US_ASCII));
      for (String item : List.of("train", "2", "human", question, "gpt", answer, "0")) {
        byte[] b = item.getBytes(StandardCharsets.UTF_8);
        d.update(ByteBuffer.allocate(4).putInt(b.length).array());
        d.update(b);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
