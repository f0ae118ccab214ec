package io.adaptstream.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * One large dataset file (a LLaVA JSON array or JSONL) for measuring what publishing it costs in memory: valid
 * entries with long text, a few small images referenced again and again (the blob store keeps each once), exact
 * duplicates, and bad entries of several kinds, in a seeded order.
 *
 * <p>It is written entry by entry, so generating a file of any size takes a few kilobytes of heap. It knows
 * what a correct publish must report ({@link Summary}), so a run can be checked against it: every entry is
 * either accepted, a duplicate, or rejected with the expected reason.
 */
public final class BigDataset {

  /** The file's layout. */
  public enum Layout {
    /** One JSON array of entries ({@code .json}), as LLaVA ships its datasets. */
    ARRAY,
    /** One entry per line ({@code .jsonl}). */
    LINES
  }

  /** How many images the entries share. */
  public static final int IMAGES = 4;

  /** In every hundred entries (on average): this many bad ones, and this many exact repeats of the last good one. */
  static final int BAD_PERCENT = 2;
  static final int DUPLICATE_PERCENT = 1;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] WORDS = ("the a red blue green yellow square circle triangle left right above "
      + "below next to small large bright dark object scene image shows there is are two three four many how "
      + "what which where count colour shape size near far middle corner edge top bottom behind front picture "
      + "describe answer question carefully detail every each one none both all some")
      .split(" ");

  /** The bad entries, in rotation, and the reason a correct publish gives for each. */
  enum Bad {
    NO_CONVERSATIONS("missing_field"),
    MISSING_IMAGE("missing_image"),
    PATH_ESCAPE("path_escape"),
    LONE_SURROGATE("invalid_text"),
    CONVERSATIONS_NOT_ARRAY("bad_field"),
    EMPTY_CONVERSATIONS("empty_conversation"),
    NO_ANSWER("bad_conversation"),
    NOT_AN_OBJECT("malformed_json");

    final String reason;

    Bad(String reason) {
      this.reason = reason;
    }
  }

  /**
   * What was written and what a correct publish of it reports.
   *
   * @param rejected expected rejections by reason code
   */
  public record Summary(Path file, long bytes, long entries, long accepted, long duplicates,
      Map<String, Long> rejected, long seed) {

    public String toJson() {
      ObjectNode n = JSON.createObjectNode();
      n.put("file", file.toString());
      n.put("bytes", bytes);
      n.put("entries", entries);
      n.put("accepted", accepted);
      n.put("duplicates", duplicates);
      ObjectNode r = n.putObject("rejected");
      rejected.forEach(r::put);
      n.put("seed", seed);
      return n.toString();
    }
  }

  private BigDataset() {}

  /**
   * Writes {@code dir/big.json} (or {@code big.jsonl}) of at least {@code targetBytes} bytes, and its images
   * under {@code dir/images}. The same seed and size give the same bytes.
   */
  public static Summary generate(Path dir, Layout layout, long targetBytes, long seed) throws IOException {
    if (targetBytes < 1) {
      throw new IllegalArgumentException("target size must be positive, got " + targetBytes);
    }
    Files.createDirectories(dir.resolve("images"));
    for (int k = 0; k < IMAGES; k++) {
      writeImage(dir.resolve("images").resolve("img-" + k + ".png"), RandomStreams.stream(seed, "big|image|" + k));
    }
    Path file = dir.resolve(layout == Layout.ARRAY ? "big.json" : "big.jsonl");
    SplittableRandom rng = RandomStreams.stream(seed, "big|entries");
    long bytes = 0;
    long entries = 0;
    long accepted = 0;
    long duplicates = 0;
    Map<String, Long> rejected = new TreeMap<>();
    byte[] lastGood = null;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      if (layout == Layout.ARRAY) {
        bytes += write(out, "[\n");
      }
      while (bytes < targetBytes) {
        int roll = rng.nextInt(100);
        byte[] entry;
        if (roll < BAD_PERCENT) {
          Bad bad = Bad.values()[(int) (sum(rejected) % Bad.values().length)];
          entry = bad(bad, entries, rng);
          rejected.merge(bad.reason, 1L, Long::sum);
        } else if (roll < BAD_PERCENT + DUPLICATE_PERCENT && lastGood != null) {
          entry = lastGood;
          duplicates++;
        } else {
          entry = good(entries, rng);
          lastGood = entry;
          accepted++;
        }
        if (entries > 0) {
          bytes += write(out, layout == Layout.ARRAY ? ",\n" : "\n");
        }
        out.write(entry);
        bytes += entry.length;
        entries++;
      }
      bytes += write(out, layout == Layout.ARRAY ? "\n]\n" : "\n");
    }
    return new Summary(file, bytes, entries, accepted, duplicates, rejected, seed);
  }

  private static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static int write(OutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b);
    return b.length;
  }

  /** A valid entry: one question about an image (or none), a long answer, a skill. */
  private static byte[] good(long index, SplittableRandom rng) throws IOException {
    ObjectNode e = JSON.createObjectNode();
    e.put("id", "e" + index);
    boolean withImage = rng.nextInt(10) > 0;
    if (withImage) {
      e.put("image", "images/img-" + rng.nextInt(IMAGES) + ".png");
    }
    ArrayNode conv = e.putArray("conversations");
    conv.addObject().put("from", "human").put("value", (withImage ? "<image>\n" : "") + text(rng, 500, 3000));
    conv.addObject().put("from", "gpt").put("value", text(rng, 1000, 6000));
    e.put("skill", "big." + rng.nextInt(8));
    return JSON.writeValueAsBytes(e);
  }

  private static byte[] bad(Bad kind, long index, SplittableRandom rng) throws IOException {
    String id = "\"id\":\"bad" + index + "\"";
    String question = JSON.writeValueAsString(text(rng, 50, 200));
    String answer = JSON.writeValueAsString(text(rng, 50, 200));
    String turns = "[{\"from\":\"human\",\"value\":" + question + "},{\"from\":\"gpt\",\"value\":" + answer + "}]";
    String imageTurns = "[{\"from\":\"human\",\"value\":\"<image>\\nwhat is it?\"},"
        + "{\"from\":\"gpt\",\"value\":" + answer + "}]";
    String json = switch (kind) {
      case NO_CONVERSATIONS -> "{" + id + ",\"image\":\"images/img-0.png\"}";
      case MISSING_IMAGE -> "{" + id + ",\"image\":\"images/none-" + index + ".png\",\"conversations\":"
          + imageTurns + "}";
      case PATH_ESCAPE -> "{" + id + ",\"image\":\"../images/img-0.png\",\"conversations\":" + imageTurns + "}";
      case LONE_SURROGATE -> "{" + id + ",\"conversations\":[{\"from\":\"human\",\"value\":\"what is \\ud800?\"},"
          + "{\"from\":\"gpt\",\"value\":" + answer + "}]}";
      case CONVERSATIONS_NOT_ARRAY -> "{" + id + ",\"conversations\":" + question + "}";
      case EMPTY_CONVERSATIONS -> "{" + id + ",\"conversations\":[]}";
      case NO_ANSWER -> "{" + id + ",\"conversations\":[{\"from\":\"human\",\"value\":" + question + "}]}";
      case NOT_AN_OBJECT -> "[" + id.replace(':', ',') + "," + turns + "]";
    };
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** Between {@code min} and {@code max} characters of words; long enough that no two are the same. */
  private static String text(SplittableRandom rng, int min, int max) {
    int target = min + rng.nextInt(max - min + 1);
    StringBuilder sb = new StringBuilder(target + 16);
    while (sb.length() < target) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(WORDS[rng.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }

  private static void writeImage(Path file, SplittableRandom rng) throws IOException {
    int side = 48;
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int base = rng.nextInt(1 << 24);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        image.setRGB(x, y, (base + rng.nextInt(1 << 12)) & 0xFFFFFF);
      }
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer available");
    }
  }

  /** The expected rejection reasons, for tests. */
  static List<String> reasons() {
    List<String> r = new ArrayList<>();
    for (Bad b : Bad.values()) {
      r.add(b.reason);
    }
    return r;
  }
}
