package io.adaptstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.benchmark.Manifest;
import io.adaptstream.benchmark.Size;
import io.adaptstream.benchmark.SkillWorld;
import io.adaptstream.blob.FileBlobStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The knee sweep of the comparison protocol (docs/benchmark.md, "The comparison protocol"): how many optimizer
 * steps pretraining (P) and each time step (S) need, and how big a step's training budget (B) should be, measured
 * on validation slices carved from the TRAIN splits of a data seed the comparison never uses. Test splits are
 * never read.
 *
 * <p>Every measurement is one JSON line appended to {@code out}; a measurement already in the file is skipped, so
 * an interrupted sweep resumes. Stages: {@code pre} (P), {@code steps} (S at a fixed B), {@code budget} (B at a
 * fixed S); {@code key=value} arguments, see {@link #main}.
 */
public final class KneeSweep {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 8;
  private static final long MODEL_SEED = 7;

  private KneeSweep() {}

  /**
   * {@code stage=pre|steps|budget}, {@code dir} (benchmark data, generated when missing), {@code dataSeed} (100),
   * {@code out} (JSON lines), {@code p} (list for stage pre; the chosen P for the others), {@code s} (list for
   * stage steps; the chosen S for budget), {@code b} (the fixed B for steps; the list for budget),
   * {@code releases} (task releases of stages steps and budget), {@code val} (validation share, 0.2).
   */
  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : argv) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    DjlRuntime.init(false);
    long dataSeed = Long.parseLong(a.getOrDefault("dataSeed", "100"));
    Path dir = Path.of(a.getOrDefault("dir", "/tmp/knee/full" + dataSeed));
    if (!Files.exists(dir.resolve(Manifest.FILE_NAME))) {
      SkillWorld.generate(dir, dataSeed, Size.FULL);
    }
    Path out = Path.of(a.getOrDefault("out", "docs/results/knee/sweep.jsonl"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    double valShare = Double.parseDouble(a.getOrDefault("val", "0.2"));
    Manifest manifest = Manifest.read(dir);
    FileBlobStore blobs = new FileBlobStore(Path.of(a.getOrDefault("blobs", "/tmp/knee/blobs")));
    Map<String, JsonNode> done = read(out);
    String stage = a.getOrDefault("stage", "pre");
    ModelConfig config = ModelConfig.cpu();
    SkillWorldTuning.Split pre = SkillWorldTuning.split(dir, "pretrain", 0.05);
    switch (stage) {
      case "pre" -> {
        SkillWorldTuning.Split r1 = SkillWorldTuning.split(dir, "r1-llava-mix", valShare);
        for (int p : ints(a.getOrDefault("p", "1000,2000,4000"))) {
          String key = "pre|P=" + p;
          if (done.containsKey(key)) {
            continue;
          }
          long t0 = System.nanoTime();
          ObjectNode row = JSON.createObjectNode().put("key", key).put("stage", stage).put("P", p);
          try (VisionLanguageModel model = VisionLanguageModel.create(config, MODEL_SEED, ComputeDevice.CPU)) {
            TrainReport r = new ModelTrainer().train(model, pre.train(), options(p, 1));
            row.put("sha256", model.save(blobs).sha256()).put("trainSeconds", r.seconds());
            put(row, "pretrainVal", new Evaluator().evaluate(model, pre.val()), Set.of());
            // downstream: what v0 lets a step learn (400 random r1 samples, 200 steps)
            new ModelTrainer().train(model, subset(r1.train(), 400, "r1-llava-mix"), options(200, 2));
            put(row, "r1Val", new Evaluator().evaluate(model, r1.val()), home(manifest, "r1-llava-mix"));
          }
          append(out, row.put("seconds", (System.nanoTime() - t0) / 1e9));
        }
      }
      case "steps", "budget" -> {
        int p = Integer.parseInt(a.get("p"));
        String sha = done.get("pre|P=" + p).get("sha256").asText();
        List<String> releases = List.of(a.getOrDefault("releases",
            "r1-llava-mix,r2-m3it-many,r4-mantis-multi,r5-visionflan-fine").split(","));
        List<int[]> grid = new ArrayList<>();
        if (stage.equals("steps")) {
          int b = Integer.parseInt(a.getOrDefault("b", "400"));
          ints(a.getOrDefault("s", "50,100,200,400,800")).forEach(s -> grid.add(new int[] {b, s}));
        } else {
          int s = Integer.parseInt(a.get("s"));
          ints(a.getOrDefault("b", "100,200,400,800")).forEach(b -> grid.add(new int[] {b, s}));
        }
        for (String release : releases) {
          SkillWorldTuning.Split split = SkillWorldTuning.split(dir, release, valShare);
          Set<String> home = home(manifest, release);
          for (int[] bs : grid) {
            String key = "step|P=" + p + "|" + release + "|B=" + bs[0] + "|S=" + bs[1];
            if (done.containsKey(key)) {
              continue;
            }
            long t0 = System.nanoTime();
            ObjectNode row = JSON.createObjectNode().put("key", key).put("stage", stage).put("P", p)
                .put("release", release).put("B", bs[0]).put("S", bs[1]);
            try (VisionLanguageModel model = VisionLanguageModel.load(blobs, sha, config.toJson(),
                ComputeDevice.CPU)) {
              List<Example> train = subset(split.train(), bs[0], release);
              TrainReport r = new ModelTrainer().train(model, train, options(bs[1], 3));
              row.put("trained", train.size()).put("trainSeconds", r.seconds());
              long e0 = System.nanoTime();
              put(row, "val", new Evaluator().evaluate(model, split.val()), home);
              row.put("evalSeconds", (System.nanoTime() - e0) / 1e9).put("valSamples", split.val().size());
            }
            append(out, row.put("seconds", (System.nanoTime() - t0) / 1e9));
          }
        }
      }
      default -> throw new IllegalArgumentException("stage must be pre, steps or budget");
    }
  }

  /** The committed training defaults in steps mode (batch 8, peak 1e-3, warm-up 10%, cosine to 10%). */
  static TrainOptions options(int steps, long seed) {
    return new TrainOptions(1, BATCH, 1e-3f, seed, 0f).withSteps(steps);
  }

  /** A seeded random {@code n} of a release's training samples (all of them when there are fewer). */
  static List<Example> subset(List<Example> train, int n, String release) {
    List<Example> shuffled = new ArrayList<>(train);
    Collections.shuffle(shuffled, new Random(5 + release.hashCode()));
    return shuffled.subList(0, Math.min(n, shuffled.size()));
  }

  /** The skills a release holds the test split of (its own skills). */
  static Set<String> home(Manifest manifest, String release) {
    return manifest.release(release).skills().entrySet().stream().filter(e -> e.getValue().test() > 0)
        .map(Map.Entry::getKey).collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /** Accuracy per group, the mean over {@code home} (all groups when empty) and over its vision skills. */
  static void put(ObjectNode row, String name, EvalReport r, Set<String> home) {
    Map<String, Double> acc = new TreeMap<>(r.accuracy());
    if (!home.isEmpty()) {
      acc.keySet().retainAll(home);
    }
    ObjectNode groups = row.putObject(name);
    acc.forEach((k, v) -> groups.put(k, Math.round(v * 1000) / 1000.0));
    row.put(name + "Mean", acc.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
    row.put(name + "VisionMean", acc.entrySet().stream().filter(e -> !e.getKey().startsWith("language."))
        .mapToDouble(Map.Entry::getValue).average().orElse(Double.NaN));
    System.out.printf(Locale.ROOT, "%s %s mean %.3f %s%n", row.get("key").asText(), name,
        row.get(name + "Mean").asDouble(), acc);
  }

  private static List<Integer> ints(String list) {
    List<Integer> out = new ArrayList<>();
    for (String s : list.split(",")) {
      out.add(Integer.parseInt(s.trim()));
    }
    return out;
  }

  private static Map<String, JsonNode> read(Path out) throws IOException {
    Map<String, JsonNode> m = new HashMap<>();
    if (Files.exists(out)) {
      for (String line : Files.readAllLines(out)) {
        if (!line.isBlank()) {
          JsonNode n = JSON.readTree(line);
          m.put(n.get("key").asText(), n);
        }
      }
    }
    return m;
  }

  private static void append(Path out, ObjectNode row) throws IOException {
    Files.writeString(out, JSON.writeValueAsString(row) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
