package io.adaptstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Turn;
import io.adaptstream.blob.FileBlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property-based test of the core that {@link IngestJob} runs before producing anything (the format's
 * {@link EntrySource}, then {@link EntryProcessor}), on generated and mutated LLaVA entries: valid entries with
 * varied Unicode, type swaps, removed fields, Unicode edge cases (lone surrogates, NUL and other controls,
 * noncharacters, BOM, combining marks, right-to-left text, 4-byte characters), huge and empty values, deep
 * nesting, duplicate keys, truncation at every position, flipped, inserted and deleted bytes, random bytes.
 *
 * <p>The properties, for every case: no exception leaves the core; every entry is accepted, a duplicate, or
 * rejected with a {@link Reason} and a detail; accepted + duplicates + rejected = the entries of the file; an
 * unmutated entry is accepted; a bad entry costs no other entry (the good entries around it go through, and a
 * truncated file keeps exactly the entries before the cut).
 *
 * <p>Cases come from a seeded {@link Random} per case ({@link #SEED}, then {@link #caseSeed}), so a failure
 * names the case and its seed and is reproduced by running the test again; the failing file is printed too.
 * The generator is a few lines of plain Java over that {@code Random}, so each case is a pure function of its
 * seed and the test needs no engine beyond JUnit Jupiter.
 */
class EntryFuzzTest {

  static final long SEED = 0x5EED_16L;
  static final int ENTRY_CASES = 6_000;
  static final int TRUNCATION_CASES = 2_500;
  static final int RANDOM_BYTE_CASES = 2_500;

  private static final ObjectMapper RAW = JsonMapper.builder().build();
  private static final ObjectMapper ESCAPED = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
  private static final ObjectMapper ORACLE = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Text that the text policy accepts anywhere a conversation turn may hold it. */
  private static final String[] TEXT_UNITS = {
      "a", "b", "z", "Q", "7", " ", "?", ".", "\"", "\\", "/", "<", ">", "{", "}", "[", "]", ",", ":",
      "é", "e\u0301", "n\u0303", "色", "中文", "красный", "שלום", "مرحبا", "\u200f", "\u202e", "\u200b", "\uFEFF",
      "😀", "🟥", "👩‍💻", "\ud834\udd1e", "\t", "\n", "\r\n", "\ufffd", "\ufdcf", "\ufdf0"};

  /** Text that the policy accepts in identifiers too (no control characters). */
  private static final String[] ID_UNITS = {"a", "b", "z", "0", "9", "-", "_", ".", "é", "色", "😀", "\uFEFF", " "};

  /** Characters the policy refuses somewhere, and other awkward text. */
  private static final String[] EDGE_UNITS = {
      "\ud800", "\udbff", "\udc00", "\udfff", "\ud83d", "\ude00", "\ude00\ud83d", "\u0000", "\u0001", "\u0007",
      "\u001b", "\u001f", "\u007f", "\u0080", "\u0085", "\u009f", "\ufffe", "\uffff", "\ufdd0", "\ufdef",
      "\ud83f\udffe", "\udbff\udfff", "\uFEFF", "\u0301", "\u202e", "<image>", "\t", "\n", "\r", "", " ",
      "../", "/etc/passwd", "C:\\x", "img.png", "😀"};

  private static final String[] PATHS = {
      "/id", "/image", "/images", "/images/0", "/split", "/skill", "/conversations", "/conversations/0",
      "/conversations/0/from", "/conversations/0/value", "/conversations/1/value", "/conversations/1", "/meta",
      "/meta/n", ""};

  private static final byte[][] SPECIAL_BYTES = {
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xF0, (byte) 0x9F},
      {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {'"'}, {'{'}, {'}'}, {'['}, {']'}, {','}, {':'}, {'\\'}, {'\n'},
      {0}, bytes("\\u"), bytes("\\ud800"), bytes("null"), bytes("-1e999")};

  @TempDir Path dir;
  private Path images;
  private FileBlobStore blobs;

  @BeforeEach
  void setUp() {
    images = dir.resolve("data");
    blobs = new FileBlobStore(dir.resolve("blobs"));
    Fixtures.write(images.resolve("img.png"), Fixtures.png(8, 8, 1));
    Fixtures.write(images.resolve("img2.png"), Fixtures.png(8, 8, 2));
  }

  // ------------------------------------------------------------------------------------------ properties

  @Test
  void shouldAcceptOrRejectEveryMutatedEntryWithAReasonAndLoseNothingAroundIt(TestReporter report) {
    for (int i = 0; i < ENTRY_CASES; i++) {
      long seed = caseSeed(1, i);
      Random r = new Random(seed);
      DatasetFormat format = i % 2 == 0 ? DatasetFormat.JSONL : DatasetFormat.LLAVA;
      List<Mutation> applied = new ArrayList<>();
      byte[] entry = mutatedEntry(r, applied);
      if (format == DatasetFormat.JSONL) {
        entry = replace(entry, (byte) '\n', (byte) ' ');
      }
      byte[] before = Fixtures.bytes(Fixtures.sample("sentinel-before", i % 10 == 0 ? "img.png" : null, "sentinel question", "first"));
      byte[] after = Fixtures.bytes(Fixtures.sample("sentinel-after", null, "sentinel question", "last"));
      byte[] file = CoreRun.file(format, List.of(before, entry, after));
      byte[] entryAlone = entry;

      check(i, seed, format, file, applied, () -> {
        List<CoreRun.Outcome> outcomes = runChecked(format, file);
        assertThat(outcomes.get(0).sourceId()).isEqualTo("sentinel-before");
        boolean blankLine = format == DatasetFormat.JSONL && isBlank(entryAlone);
        if (format == DatasetFormat.JSONL || isCompleteJsonValue(entryAlone)) {
          assertThat(outcomes).hasSize(blankLine ? 2 : 3);
          assertThat(outcomes.get(outcomes.size() - 1).sourceId()).isEqualTo("sentinel-after");
        }
        if (applied.isEmpty()) {
          assertThat(outcomes.get(1).result()).isInstanceOf(EntryProcessor.Accepted.class);
        }
        return null;
      });
    }
    report.publishEntry(Map.of("cases", String.valueOf(ENTRY_CASES), "seed", String.valueOf(SEED)));
  }

  @Test
  void shouldKeepExactlyTheEntriesBeforeTheCutOfATruncatedFile(TestReporter report) {
    for (int i = 0; i < TRUNCATION_CASES; i++) {
      long seed = caseSeed(2, i);
      Random r = new Random(seed);
      DatasetFormat format = i % 2 == 0 ? DatasetFormat.JSONL : DatasetFormat.LLAVA;
      List<byte[]> entries = new ArrayList<>();
      for (int e = 0, n = 1 + r.nextInt(5); e < n; e++) {
        entries.add(serialize(r, validEntry(r, "id-0").put("id", "e" + e)));
      }
      Layout layout = layout(format, entries);
      int cut = r.nextInt(layout.file.length + 1);
      checkTruncation(i, seed, format, layout, cut);
    }
    report.publishEntry(Map.of("cases", String.valueOf(TRUNCATION_CASES), "seed", String.valueOf(SEED)));
  }

  @Test
  void shouldKeepExactlyTheEntriesBeforeTheCutWhereverAFixedFileIsCut(TestReporter report) {
    Random r = new Random(SEED);
    List<byte[]> entries = List.of(
        serialize(r, validEntry(r, "e0")),
        bytes("{\"id\":\"e1\",\"conversations\":[{\"from\":\"human\",\"value\":\"色 😀 e\\u0301 \\ud83d\\ude00\"},"
            + "{\"from\":\"gpt\",\"value\":\"שלום\\n\"}]}"),
        Fixtures.bytes(Fixtures.sample("e2", "img.png", "q", "a")));
    int cases = 0;
    for (DatasetFormat format : DatasetFormat.values()) {
      Layout layout = layout(format, entries);
      for (int cut = 0; cut <= layout.file.length; cut++, cases++) {
        checkTruncation(cut, SEED, format, layout, cut);
      }
    }
    report.publishEntry(Map.of("cases", String.valueOf(cases), "seed", String.valueOf(SEED)));
  }

  @Test
  void shouldNeverLetRandomBytesEscapeTheCore(TestReporter report) {
    for (int i = 0; i < RANDOM_BYTE_CASES; i++) {
      long seed = caseSeed(3, i);
      Random r = new Random(seed);
      DatasetFormat format = i % 2 == 0 ? DatasetFormat.JSONL : DatasetFormat.LLAVA;
      byte[] file = switch (i % 3) {
        case 0 -> randomBytes(r, r.nextInt(400));
        case 1 -> randomTokens(r, format);
        default -> overwrite(r, CoreRun.file(format, List.of(serialize(r, validEntry(r, "x")),
            serialize(r, validEntry(r, "y")))));
      };
      check(i, seed, format, file, List.of(), () -> runChecked(format, file));
    }
    report.publishEntry(Map.of("cases", String.valueOf(RANDOM_BYTE_CASES), "seed", String.valueOf(SEED)));
  }

  // ------------------------------------------------------------------------------------------ checks

  /** Runs the core and checks what holds for every file: no exception, one well-formed outcome per entry. */
  private List<CoreRun.Outcome> runChecked(DatasetFormat format, byte[] file) {
    EntryProcessor processor = new EntryProcessor("fuzz", ValidationLimits.defaults(), images, blobs,
        new DigestSet());
    List<CoreRun.Outcome> outcomes = CoreRun.run(format, file, processor);
    int accepted = 0;
    int duplicates = 0;
    int rejected = 0;
    long previous = -1;
    for (CoreRun.Outcome o : outcomes) {
      assertThat(o.index()).isGreaterThan(previous);
      previous = o.index();
      if (o.result() instanceof EntryProcessor.Accepted a) {
        accepted++;
        assertThat(a.sample().getId()).hasSize(64);
        assertStoredAsPublished(a.sample());
      } else if (o.result() instanceof EntryProcessor.Duplicate) {
        duplicates++;
      } else if (o.result() instanceof EntryProcessor.Rejected j) {
        rejected++;
        assertThat(j.rejection().reason()).isIn((Object[]) Reason.values());
        assertThat(j.rejection().detail()).isNotNull();
      }
    }
    assertThat(accepted + duplicates + rejected).isEqualTo(entriesIn(format, file)).isEqualTo(outcomes.size());
    return outcomes;
  }

  /**
   * What the issue is about: an accepted sample's text must survive UTF-8 (what Avro stores) unchanged, and hold
   * no control character (beyond tab and line breaks in turns) and no noncharacter.
   */
  private static void assertStoredAsPublished(Sample sample) {
    List<String> identifiers = new ArrayList<>(List.of(sample.getSourceId()));
    if (sample.getSkill() != null) {
      identifiers.add(sample.getSkill());
    }
    for (String s : identifiers) {
      assertThat(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(s);
      assertThat(s.codePoints()).noneMatch(cp -> Character.getType(cp) == Character.CONTROL || isNoncharacter(cp));
    }
    for (Turn t : sample.getConversations()) {
      String s = t.getValue();
      assertThat(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(s);
      assertThat(s.codePoints()).noneMatch(cp -> isNoncharacter(cp)
          || Character.getType(cp) == Character.CONTROL && cp != '\t' && cp != '\n' && cp != '\r');
    }
  }

  private static boolean isNoncharacter(int cp) {
    return cp >= 0xFDD0 && cp <= 0xFDEF || (cp & 0xFFFF) >= 0xFFFE;
  }

  private void checkTruncation(int i, long seed, DatasetFormat format, Layout layout, int cut) {
    byte[] file = java.util.Arrays.copyOf(layout.file, cut);
    List<String> expectedIds = new ArrayList<>();
    int started = 0;
    for (int e = 0; e < layout.ends.size(); e++) {
      if (layout.ends.get(e) <= cut) {
        expectedIds.add("e" + e);
      }
      if (layout.starts.get(e) < cut) {
        started++;
      }
    }
    int expectedRejections = format == DatasetFormat.JSONL
        ? started - expectedIds.size()
        : (cut > layout.closingBracket ? 0 : 1);
    check(i, seed, format, file, List.of(), () -> {
      List<CoreRun.Outcome> outcomes = runChecked(format, file);
      assertThat(outcomes).filteredOn(CoreRun.Outcome::accepted).extracting(CoreRun.Outcome::sourceId)
          .containsExactlyElementsOf(expectedIds);
      assertThat(outcomes).filteredOn(o -> o.reason() != null).hasSize(expectedRejections);
      return null;
    });
  }

  /** Runs one case; on any failure, says which case, its seed and file, so it can be reproduced. */
  private static void check(int i, long seed, DatasetFormat format, byte[] file, List<Mutation> applied,
      Supplier<?> body) {
    try {
      body.get();
    } catch (AssertionError | RuntimeException | StackOverflowError | OutOfMemoryError e) {
      throw new AssertionError("case " + i + " (seed " + seed + ", " + format + ", mutations " + applied
          + ") failed on the file: " + preview(file), e);
    }
  }

  /** The entries the format's source yields: the count each outcome list must match. */
  private static int entriesIn(DatasetFormat format, byte[] file) {
    EntrySource source = EntrySource.of(format, new ByteArrayInputStream(file),
        ValidationLimits.defaults().maxEntryBytes());
    int n = 0;
    try {
      while (source.next() != null) {
        n++;
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return n;
  }

  /** Whether the bytes are strict UTF-8 holding exactly one JSON value, so that they cannot swallow a neighbour. */
  private static boolean isCompleteJsonValue(byte[] entry) {
    try {
      JsonNode node = ORACLE.readTree(EntryParser.decodeStrict(entry));
      return node != null && !node.isMissingNode();
    } catch (JsonProcessingException | EntryParser.Invalid e) {
      return false;
    }
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------ generators

  /** Which mutation was applied, for the failure message. */
  enum Mutation { TYPE_SWAP, REMOVE, EDGE_TEXT, HUGE, EMPTY, NEST, DUPLICATE_KEY, TRUNCATE, FLIP, INSERT, DELETE }

  /** A valid entry, then up to three mutations (none in a quarter of the cases). */
  private static byte[] mutatedEntry(Random r, List<Mutation> applied) {
    ObjectNode node = validEntry(r, r.nextInt(8) == 0 ? null : "id-" + r.nextInt(1_000_000));
    int count = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(3);
    List<Mutation> byteLevel = new ArrayList<>();
    String nest = null;
    for (int m = 0; m < count; m++) {
      Mutation mutation = Mutation.values()[r.nextInt(Mutation.values().length)];
      applied.add(mutation);
      String path = PATHS[r.nextInt(PATHS.length)];
      switch (mutation) {
        case TYPE_SWAP -> set(node, path, randomValue(r));
        case REMOVE -> remove(node, path);
        case EDGE_TEXT -> set(node, path, NODES.textNode(text(r, EDGE_UNITS, 1 + r.nextInt(6))));
        case HUGE -> set(node, path, huge(r));
        case EMPTY -> set(node, path, switch (r.nextInt(3)) {
          case 0 -> NODES.textNode("");
          case 1 -> NODES.arrayNode();
          default -> NODES.objectNode();
        });
        case NEST -> {
          nest = "nest-" + r.nextLong();
          set(node, path, NODES.textNode(nest));
        }
        default -> byteLevel.add(mutation);
      }
    }
    byte[] bytes = serialize(r, node);
    if (nest != null) {
      int depth = new int[] {2, 29, 30, 31, 40, 1_000, 100_000}[r.nextInt(7)];
      boolean arrays = r.nextBoolean();
      String open = arrays ? "[" : "{\"k\":";
      String inner = open.repeat(depth) + "1" + (arrays ? "]" : "}").repeat(depth);
      bytes = bytes(new String(bytes, StandardCharsets.UTF_8).replace("\"" + nest + "\"", inner));
    }
    for (Mutation mutation : byteLevel) {
      bytes = switch (mutation) {
        case DUPLICATE_KEY -> duplicateKey(r, bytes);
        case TRUNCATE -> java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length + 1));
        case FLIP -> flip(r, bytes);
        case INSERT -> insert(r, bytes, SPECIAL_BYTES[r.nextInt(SPECIAL_BYTES.length)]);
        case DELETE -> delete(r, bytes);
        default -> throw new IllegalStateException(mutation.name());
      };
    }
    return bytes;
  }

  /** A valid LLaVA entry: id (string or integer, or none), image(s) or none, turns, split, skill, extra field. */
  static ObjectNode validEntry(Random r, String id) {
    ObjectNode node = NODES.objectNode();
    if (id != null) {
      if (r.nextInt(6) == 0 && id.startsWith("id-")) {
        node.put("id", Long.parseLong(id.substring(3)));
      } else {
        node.put("id", id + text(r, ID_UNITS, r.nextInt(4)));
      }
    }
    int imageCount = switch (r.nextInt(10)) {
      case 0, 1, 2 -> 1;
      case 3 -> 2;
      default -> 0;
    };
    if (imageCount == 1 && r.nextBoolean()) {
      node.put("image", "img.png");
    } else if (imageCount > 0) {
      ArrayNode paths = node.putArray("images");
      paths.add("img.png");
      if (imageCount == 2) {
        paths.add("img2.png");
      }
    }
    ArrayNode conv = node.putArray("conversations");
    for (int t = 0, pairs = 1 + r.nextInt(3); t < pairs; t++) {
      String question = "q" + text(r, TEXT_UNITS, r.nextInt(30));
      conv.addObject().put("from", "human").put("value", (t == 0 ? "<image>\n".repeat(imageCount) : "") + question);
      conv.addObject().put("from", "gpt").put("value", "a" + text(r, TEXT_UNITS, r.nextInt(30)));
    }
    switch (r.nextInt(5)) {
      case 0 -> node.put("split", "test");
      case 1 -> node.put("split", "train");
      default -> { }
    }
    if (r.nextInt(3) == 0) {
      node.put("skill", "skill." + text(r, ID_UNITS, 1 + r.nextInt(5)));
    }
    if (r.nextInt(10) == 0) {
      node.putObject("meta").put("source", text(r, TEXT_UNITS, 5)).putArray("n").add(1).add(2.5);
    }
    return node;
  }

  /** JSON text of the node: raw UTF-8 or with every non-ASCII character escaped (lone surrogates only so). */
  private static byte[] serialize(Random r, JsonNode node) {
    try {
      return (r.nextBoolean() ? RAW : ESCAPED).writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      try {
        return ESCAPED.writeValueAsBytes(node);
      } catch (JsonProcessingException again) {
        throw new AssertionError(again);
      }
    }
  }

  private static JsonNode randomValue(Random r) {
    return switch (r.nextInt(9)) {
      case 0 -> NODES.textNode(text(r, TEXT_UNITS, r.nextInt(10)));
      case 1 -> NODES.numberNode(r.nextLong());
      case 2 -> NODES.numberNode(r.nextDouble() * 1e300);
      case 3 -> NODES.numberNode(new java.math.BigInteger(400, r));
      case 4 -> NODES.booleanNode(r.nextBoolean());
      case 5 -> NODES.nullNode();
      case 6 -> NODES.arrayNode().add("a").add(1).addNull();
      case 7 -> NODES.objectNode().put("from", "gpt").put("value", "a");
      default -> NODES.arrayNode().add(NODES.objectNode().put("from", "gpt").put("value", "a"));
    };
  }

  private static JsonNode huge(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> NODES.textNode("x".repeat(new int[] {257, 1_000, 70_000, 700_000}[r.nextInt(4)]));
      case 1 -> NODES.textNode("色".repeat(22_000)); // 66,000 UTF-8 bytes, over the default text limit
      case 2 -> {
        ArrayNode turns = NODES.arrayNode();
        for (int t = 0, n = 60 + r.nextInt(10); t < n; t++) {
          turns.addObject().put("from", t % 2 == 0 ? "human" : "gpt").put("value", "v" + t);
        }
        yield turns;
      }
      case 3 -> {
        ArrayNode paths = NODES.arrayNode();
        for (int p = 0, n = 14 + r.nextInt(6); p < n; p++) {
          paths.add(p % 2 == 0 ? "img.png" : "img2.png");
        }
        yield paths;
      }
      case 4 -> NODES.numberNode(new java.math.BigInteger(5_000, r));
      default -> NODES.textNode("9".repeat(300));
    };
  }

  private static String text(Random r, String[] units, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(units[r.nextInt(units.length)]);
    }
    return s.toString();
  }

  /** Sets the value at a JSON pointer whose parent exists (appends to an array past its end); else nothing. */
  private static void set(ObjectNode root, String pointer, JsonNode value) {
    if (pointer.isEmpty()) {
      root.set("id", value);
      return;
    }
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = root.at(pointer.substring(0, slash));
    String last = pointer.substring(slash + 1);
    if (parent instanceof ObjectNode o) {
      o.set(last, value);
    } else if (parent instanceof ArrayNode a && isIndex(last)) {
      int index = Integer.parseInt(last);
      if (index < a.size()) {
        a.set(index, value);
      } else {
        a.add(value);
      }
    }
  }

  private static void remove(ObjectNode root, String pointer) {
    if (pointer.isEmpty()) {
      root.removeAll();
      return;
    }
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = root.at(pointer.substring(0, slash));
    String last = pointer.substring(slash + 1);
    if (parent instanceof ObjectNode o) {
      o.remove(last);
    } else if (parent instanceof ArrayNode a && isIndex(last) && Integer.parseInt(last) < a.size()) {
      a.remove(Integer.parseInt(last));
    }
  }

  private static boolean isIndex(String segment) {
    return segment.chars().allMatch(Character::isDigit) && !segment.isEmpty();
  }

  /** Repeats a key: at the top ({@code "id"}), or inside a turn ({@code "from"}/{@code "value"}). */
  private static byte[] duplicateKey(Random r, byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    String key = new String[] {"\"from\":", "\"value\":", "\"conversations\":"}[r.nextInt(3)];
    int at = s.indexOf(key);
    if (r.nextBoolean() || at < 0) {
      return bytes(s.replaceFirst("^\\{", "{\"id\":\"first\","));
    }
    String repeated = key.equals("\"conversations\":") ? key + "[]," : key + "\"gpt\",";
    return bytes(s.substring(0, at) + repeated + s.substring(at));
  }

  private static byte[] flip(Random r, byte[] bytes) {
    byte[] out = bytes.clone();
    for (int k = 0, n = 1 + r.nextInt(3); k < n && out.length > 0; k++) {
      out[r.nextInt(out.length)] = (byte) r.nextInt(256);
    }
    return out;
  }

  private static byte[] insert(Random r, byte[] bytes, byte[] what) {
    int at = r.nextInt(bytes.length + 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, at);
    out.writeBytes(what);
    out.write(bytes, at, bytes.length - at);
    return out.toByteArray();
  }

  private static byte[] delete(Random r, byte[] bytes) {
    if (bytes.length == 0) {
      return bytes;
    }
    int from = r.nextInt(bytes.length);
    int to = Math.min(bytes.length, from + 1 + r.nextInt(16));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, from);
    out.write(bytes, to, bytes.length - to);
    return out.toByteArray();
  }

  private static byte[] overwrite(Random r, byte[] file) {
    byte[] out = flip(r, file);
    for (int k = 0, n = r.nextInt(4); k < n; k++) {
      out = insert(r, out, SPECIAL_BYTES[r.nextInt(SPECIAL_BYTES.length)]);
    }
    return out;
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] out = new byte[n];
    r.nextBytes(out);
    return out;
  }

  /** JSON-ish noise: structural characters, field names, escapes and bad bytes in random order. */
  private static byte[] randomTokens(Random r, DatasetFormat format) {
    String[] tokens = {"{", "}", "[", "]", "\"", ":", ",", "\\", "\\u", "d800", "\"id\"", "\"conversations\"",
        "\"from\"", "\"value\"", "\"gpt\"", "\"human\"", "\"images\"", "\"img.png\"", "\n", " ", "1", "-0.5e3",
        "true", "null", "\\ud800", "\\u0000", "😀", "<image>"};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(bytes(format == DatasetFormat.LLAVA ? "[" : ""));
    for (int k = 0, n = r.nextInt(120); k < n; k++) {
      if (r.nextInt(12) == 0) {
        out.writeBytes(SPECIAL_BYTES[r.nextInt(SPECIAL_BYTES.length)]);
      } else {
        out.writeBytes(bytes(tokens[r.nextInt(tokens.length)]));
      }
    }
    return out.toByteArray();
  }

  // ------------------------------------------------------------------------------------------ files

  /** A file with the byte offsets where each entry starts and ends, and where the array closes. */
  private record Layout(byte[] file, List<Integer> starts, List<Integer> ends, int closingBracket) {}

  private static Layout layout(DatasetFormat format, List<byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Integer> starts = new ArrayList<>();
    List<Integer> ends = new ArrayList<>();
    boolean array = format == DatasetFormat.LLAVA;
    out.writeBytes(bytes(array ? "[\n" : ""));
    for (int e = 0; e < entries.size(); e++) {
      out.writeBytes(bytes(array ? "  " : ""));
      starts.add(out.size());
      out.writeBytes(entries.get(e));
      ends.add(out.size());
      out.writeBytes(bytes(array && e + 1 < entries.size() ? ",\n" : "\n"));
    }
    int closing = out.size();
    out.writeBytes(bytes(array ? "]\n" : ""));
    return new Layout(out.toByteArray(), starts, ends, array ? closing : -1);
  }

  static long caseSeed(int property, int i) {
    return SEED * 1_000_003L + property * 100_003L + i;
  }

  private static byte[] replace(byte[] bytes, byte from, byte to) {
    byte[] out = bytes.clone();
    for (int k = 0; k < out.length; k++) {
      if (out[k] == from) {
        out[k] = to;
      }
    }
    return out;
  }

  private static String preview(byte[] file) {
    StringBuilder s = new StringBuilder();
    for (int k = 0; k < Math.min(file.length, 3000); k++) {
      int b = file[k] & 0xFF;
      s.append(b >= 0x20 && b < 0x7F && b != '\\' ? Character.toString(b) : String.format("\\x%02x", b));
    }
    return s + (file.length > 3000 ? "... (" + file.length + " bytes)" : "");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
