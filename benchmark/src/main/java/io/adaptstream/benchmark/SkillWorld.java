package io.adaptstream.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.benchmark.Item.Turn;
import io.adaptstream.benchmark.ReleaseBuilder.Draft;
import io.adaptstream.benchmark.ReleaseBuilder.Split;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The skill-world benchmark: a seeded generator of visual instruction releases, written as LLaVA JSON plus PNG
 * files so that they enter the system through the same publishing path as a real dataset.
 *
 * <p>Output layout of {@code generate(out, ...)}:
 * <pre>
 * out/manifest.json                  releases in order, roles, counts per skill and defect
 * out/&lt;release&gt;.json                 LLaVA array; image paths relative to out/
 * out/images/&lt;release&gt;/*.png         32×32 RGB
 * out/annotations/&lt;release&gt;.jsonl    true answers and defect labels per sample (analysis only)
 * </pre>
 * The same seed and size give byte-identical files. The design (skills, mixes, defect rates) is fixed in
 * {@link BenchmarkDesign} and explained in {@code docs/benchmark.md}.
 */
public final class SkillWorld {

  /** Most UTF-8 bytes of text (all turns, {@code <image>} placeholders removed) in one sample. */
  public static final int TEXT_BUDGET_BYTES = 120;
  public static final String IMAGE_TOKEN = "<image>";

  private static final Logger LOG = LoggerFactory.getLogger(SkillWorld.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IMAGES_DIR = "images";
  private static final String ANNOTATIONS_DIR = "annotations";

  private SkillWorld() {}

  /**
   * Generates the benchmark into {@code out} (created if missing). A directory holding an earlier benchmark is
   * overwritten; any other non-empty directory is refused, so nothing else is ever deleted.
   */
  public static Manifest generate(Path out, long seed, Size size) throws IOException {
    long start = System.nanoTime();
    prepare(out);
    Set<String> itemKeys = new HashSet<>();
    Set<String> contentKeys = new HashSet<>();
    ReleaseBuilder builder = new ReleaseBuilder(seed, size, itemKeys);
    List<Manifest.Release> releases = new ArrayList<>();
    for (ReleaseSpec spec : BenchmarkDesign.RELEASES) {
      List<Draft> train = builder.train(spec);
      List<Draft> test = builder.test(spec, BenchmarkDesign.testedIn(spec.name()));
      releases.add(write(out, seed, spec, train, test, contentKeys));
    }
    Map<String, String> skills = new LinkedHashMap<>();
    for (Skill skill : Skill.values()) {
      skills.put(skill.label(), skill.group());
    }
    List<String> untested = BenchmarkDesign.untested().stream().map(Skill::label).toList();
    Manifest manifest = new Manifest(BenchmarkDesign.VERSION, seed, size, releases, skills, untested);
    manifest.write(out.resolve(Manifest.FILE_NAME));
    LOG.info("skill-world benchmark (seed {}, {}) written to {} in {} ms", seed, size, out,
        (System.nanoTime() - start) / 1_000_000);
    return manifest;
  }

  private static void prepare(Path out) throws IOException {
    Files.createDirectories(out);
    Path manifestFile = out.resolve(Manifest.FILE_NAME);
    if (Files.exists(manifestFile)) {
      Manifest previous = Manifest.read(manifestFile);
      for (Manifest.Release release : previous.releases()) {
        Files.deleteIfExists(out.resolve(release.file()));
      }
      deleteTree(out.resolve(IMAGES_DIR));
      deleteTree(out.resolve(ANNOTATIONS_DIR));
      Files.delete(manifestFile);
    } else {
      try (Stream<Path> entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException("output directory " + out
              + " is not empty and holds no benchmark (no " + Manifest.FILE_NAME + "): choose an empty directory");
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static Manifest.Release write(Path out, long seed, ReleaseSpec spec, List<Draft> train, List<Draft> test,
      Set<String> contentKeys) throws IOException {
    Path imageDir = out.resolve(IMAGES_DIR).resolve(spec.name());
    Files.createDirectories(imageDir);
    Files.createDirectories(out.resolve(ANNOTATIONS_DIR));
    List<Draft> all = new ArrayList<>(train);
    all.addAll(test);
    Map<Draft, String> ids = new IdentityHashMap<>();
    int[] next = new int[Split.values().length];
    for (Draft d : all) {
      ids.put(d, String.format(Locale.ROOT, "%s-%s-%06d", spec.name(), d.split.label(), next[d.split.ordinal()]++));
    }

    String file = spec.name() + ".json";
    String annotationsFile = ANNOTATIONS_DIR + "/" + spec.name() + ".jsonl";
    int images = 0;
    try (BufferedWriter json = Files.newBufferedWriter(out.resolve(file), StandardCharsets.UTF_8);
        BufferedWriter notes = Files.newBufferedWriter(out.resolve(annotationsFile), StandardCharsets.UTF_8)) {
      json.write("[\n");
      for (int i = 0; i < all.size(); i++) {
        Draft d = all.get(i);
        String id = ids.get(d);
        List<String> paths = new ArrayList<>();
        List<String> imageHashes = new ArrayList<>();
        int count = d.item.visuals().size();
        for (int k = 0; k < count; k++) {
          byte[] png = Renderer.png(d.item.visuals().get(k), RandomStreams.derive(seed, "noise|" + d.tag + "|" + k));
          String name = id.substring(spec.name().length() + 1) + (count > 1 ? "-" + (k + 1) : "") + ".png";
          Files.write(imageDir.resolve(name), png);
          paths.add(IMAGES_DIR + "/" + spec.name() + "/" + name);
          imageHashes.add(RandomStreams.sha256Hex(png));
          images++;
        }
        List<Turn> turns = conversation(d);
        checkBudget(id, turns);
        if (!contentKeys.add(contentKey(turns, imageHashes))) {
          throw new IllegalStateException("exact duplicate sample generated: " + id);
        }
        json.write(JSON.writeValueAsString(sample(id, d, paths, turns)));
        json.write(i + 1 < all.size() ? ",\n" : "\n");
        notes.write(JSON.writeValueAsString(annotation(id, d, ids)));
        notes.write("\n");
      }
      json.write("]\n");
    }
    return summary(spec, file, annotationsFile, train, test, images);
  }

  /** The sample's turns, with one {@code <image>} placeholder per image at the start of the first human turn. */
  static List<Turn> conversation(Draft d) {
    List<Turn> turns = new ArrayList<>(d.item.preamble());
    turns.add(new Turn(true, d.question()));
    turns.add(new Turn(false, d.givenAnswer()));
    int images = d.item.visuals().size();
    if (images > 0) {
      turns.set(0, new Turn(true, (IMAGE_TOKEN + "\n").repeat(images) + turns.get(0).text()));
    }
    return turns;
  }

  /** UTF-8 bytes of the text the model reads: all turns, placeholders removed, trimmed. */
  static int textBytes(List<Turn> turns) {
    return turns.stream()
        .mapToInt(t -> t.text().replace(IMAGE_TOKEN, "").strip().getBytes(StandardCharsets.UTF_8).length)
        .sum();
  }

  private static void checkBudget(String id, List<Turn> turns) {
    int bytes = textBytes(turns);
    if (bytes > TEXT_BUDGET_BYTES) {
      throw new IllegalStateException(id + ": " + bytes + " text bytes, budget " + TEXT_BUDGET_BYTES);
    }
  }

  private static String contentKey(List<Turn> turns, List<String> imageHashes) {
    StringBuilder sb = new StringBuilder();
    for (Turn t : turns) {
      sb.append(t.human() ? 'H' : 'G').append(t.text()).append('\u0000');
    }
    imageHashes.forEach(h -> sb.append(h).append('\u0000'));
    return RandomStreams.sha256Hex(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static ObjectNode sample(String id, Draft d, List<String> paths, List<Turn> turns) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", id);
    if (paths.size() == 1) {
      node.put("image", paths.get(0));
    } else if (paths.size() > 1) {
      ArrayNode array = node.putArray("images");
      paths.forEach(array::add);
    }
    ArrayNode conversations = node.putArray("conversations");
    for (Turn t : turns) {
      conversations.addObject().put("from", t.human() ? "human" : "gpt").put("value", t.text());
    }
    node.put("split", d.split.label());
    node.put("skill", d.item.skill().label());
    return node;
  }

  private static ObjectNode annotation(String id, Draft d, Map<Draft, String> ids) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", id);
    node.put("split", d.split.label());
    node.put("skill", d.item.skill().label());
    node.put("item", d.item.key());
    node.put("answer", d.item.answer());
    node.put("given", d.givenAnswer());
    ArrayNode defects = node.putArray("defects");
    if (d.duplicateOf != null) {
      defects.add(Manifest.NEAR_DUPLICATE);
    }
    if (d.labelNoise) {
      defects.add(Manifest.LABEL_NOISE);
    }
    if (d.imageNotNeeded) {
      defects.add(Manifest.IMAGE_NOT_NEEDED);
    }
    if (d.duplicateOf != null) {
      node.put("duplicate_of", ids.get(d.duplicateOf));
    } else {
      node.putNull("duplicate_of");
    }
    node.put("two_turn", d.twoTurn());
    return node;
  }

  private static Manifest.Release summary(ReleaseSpec spec, String file, String annotationsFile, List<Draft> train,
      List<Draft> test, int images) {
    Map<Skill, int[]> perSkill = new EnumMap<>(Skill.class);
    train.forEach(d -> perSkill.computeIfAbsent(d.item.skill(), s -> new int[2])[0]++);
    test.forEach(d -> perSkill.computeIfAbsent(d.item.skill(), s -> new int[2])[1]++);
    Map<String, Manifest.SkillCounts> skills = new LinkedHashMap<>();
    perSkill.forEach((skill, c) -> skills.put(skill.label(), new Manifest.SkillCounts(c[0], c[1])));
    Map<String, Integer> defects = new LinkedHashMap<>();
    defects.put(Manifest.NEAR_DUPLICATE, (int) train.stream().filter(d -> d.duplicateOf != null).count());
    defects.put(Manifest.LABEL_NOISE, (int) train.stream().filter(d -> d.labelNoise).count());
    defects.put(Manifest.IMAGE_NOT_NEEDED, (int) train.stream().filter(d -> d.imageNotNeeded).count());
    int twoTurn = (int) train.stream().filter(Draft::twoTurn).count();
    return new Manifest.Release(spec.name(), file, annotationsFile, spec.role(), spec.mirrors(), train.size(),
        test.size(), images, skills, defects, twoTurn);
  }

  /** A Markdown table of the releases: what {@code main} prints and what {@code docs/benchmark.md} quotes. */
  public static String table(Manifest manifest) {
    StringBuilder sb = new StringBuilder();
    sb.append("| release | role | train | test | images | skills | near-dup | label noise | image not needed | two-turn |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Manifest.Release r : manifest.releases()) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d |%n", r.name(),
          r.role(), r.train(), r.test(), r.images(), r.skills().size(), r.defects().get(Manifest.NEAR_DUPLICATE),
          r.defects().get(Manifest.LABEL_NOISE), r.defects().get(Manifest.IMAGE_NOT_NEEDED), r.twoTurn()));
    }
    return sb.toString();
  }

  /** Command-line options of {@link #main}. */
  record Options(Path out, long seed, Size size) {

    static final String USAGE =
        "usage: SkillWorld --out DIR [--seed N] [--quick]\n"
            + "  --out DIR   empty directory (or one holding an earlier benchmark) to write into\n"
            + "  --seed N    benchmark seed (default 0)\n"
            + "  --quick     QUICK size (about a quarter of FULL)\n";

    static Options parse(String... args) {
      Path out = null;
      long seed = 0;
      Size size = Size.FULL;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--out" -> out = Path.of(value(args, ++i, "--out"));
          case "--seed" -> {
            String v = value(args, ++i, "--seed");
            try {
              seed = Long.parseLong(v);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--seed needs an integer, got '" + v + "'");
            }
          }
          case "--quick" -> size = Size.QUICK;
          default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
        }
      }
      if (out == null) {
        throw new IllegalArgumentException("--out DIR is required");
      }
      return new Options(out, seed, size);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(run(System.out, System.err, args));
  }

  static int run(PrintStream stdout, PrintStream stderr, String... args) {
    Options options;
    try {
      if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
        stdout.print(Options.USAGE);
        return 0;
      }
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      stderr.println(e.getMessage());
      stderr.print(Options.USAGE);
      return 2;
    }
    try {
      long start = System.nanoTime();
      Manifest manifest = generate(options.out(), options.seed(), options.size());
      stdout.print(table(manifest));
      stdout.printf(Locale.ROOT, "written to %s in %.1f s%n", options.out(), (System.nanoTime() - start) / 1e9);
      return 0;
    } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
      stderr.println("benchmark generation failed: " + e.getMessage());
      return 1;
    }
  }
}
