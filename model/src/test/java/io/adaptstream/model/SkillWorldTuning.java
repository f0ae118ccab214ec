package io.adaptstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.benchmark.SkillWorld;
import io.adaptstream.benchmark.Size;
import io.adaptstream.blob.FileBlobStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Exploration tool: base model on the pretraining release, then one step on a budget of r1, scored on a
 * validation slice carved from the TRAIN splits (clean, single-turn originals that nothing duplicates; their
 * near-duplicates are dropped from training too). Test splits are read only with {@code test=true}.
 *
 * <p>Arguments are {@code key=value}; see {@link #arg}.
 */
public final class SkillWorldTuning {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Map<String, String> args;

  public static void main(String[] argv) throws Exception {
    args = new LinkedHashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      args.put(a.substring(0, eq), a.substring(eq + 1));
    }
    DjlRuntime.init(Boolean.parseBoolean(arg("det", "false")));
    Size size = Size.valueOf(arg("size", "FULL"));
    long dataSeed = Long.parseLong(arg("dataSeed", "0"));
    Path dir = Path.of(arg("dir", "/tmp/sw/" + size.name().toLowerCase(Locale.ROOT) + dataSeed));
    if (!Files.exists(dir.resolve("manifest.json"))) {
      SkillWorld.generate(dir, dataSeed, size);
    }
    Split pre = split(dir, "pretrain", Double.parseDouble(arg("preVal", "0.05")));
    Split r1 = split(dir, "r1-llava-mix", Double.parseDouble(arg("val", "0.4")));
    int budget = Integer.parseInt(arg("budget", "0"));
    List<Example> step = r1.train;
    if (budget > 0 && budget < step.size()) {
      List<Example> shuffled = new ArrayList<>(step);
      Collections.shuffle(shuffled, new Random(5));
      step = shuffled.subList(0, budget);
    }
    int pretrainLimit = Integer.parseInt(arg("pretrainN", "0"));
    List<Example> base = pre.train;
    if (pretrainLimit > 0 && pretrainLimit < base.size()) {
      base = base.subList(0, pretrainLimit);
    }
    ModelConfig config = config();
    TrainOptions preOptions = options("pre", 1);
    TrainOptions stepOptions = options("step", 2);
    System.out.printf("data %s: pretrain train %d val %d; r1 train %d (step uses %d) val %d%n", dir,
        base.size(), pre.val.size(), r1.train.size(), step.size(), r1.val.size());
    System.out.println("config " + config.toJson());
    System.out.println("pre  " + preOptions);
    System.out.println("step " + stepOptions);

    List<Example> val = new ArrayList<>(pre.val);
    val.addAll(r1.val);
    String load = arg("load", "");
    FileBlobStore blobs = new FileBlobStore(Path.of("/tmp/sw/blobs"));
    try (VisionLanguageModel model = load.isEmpty()
        ? VisionLanguageModel.create(config, Long.parseLong(arg("modelSeed", "7")), ComputeDevice.CPU)
        : VisionLanguageModel.load(blobs, load, config.toJson(), ComputeDevice.CPU)) {
      System.out.printf("parameters %d%n", model.parameterCount());
      for (var p : model.block().getParameters()) {
        if (p.getKey().contains("Position") || p.getKey().contains("Embedding") || p.getKey().contains("imageIndex")) {
          var arr = p.getValue().getArray();
          System.out.printf("  %s std %.4f%n", p.getKey(), Math.sqrt(arr.square().mean().getFloat()));
        }
      }
      if (load.isEmpty()) {
        TrainReport a = new ModelTrainer().train(model, base, preOptions);
        System.out.printf("PRE  %.1f s %.0f samples/s losses %s%n", a.seconds(), a.samplesPerSecond(),
            round(a.epochLosses()));
      }
      if (Boolean.parseBoolean(arg("evalBase", "false"))) {
        report("BASEVAL", new Evaluator().evaluate(model, val));
      }
      if (Boolean.parseBoolean(arg("save", "false"))) {
        System.out.println("saved " + model.save(blobs).sha256());
      }
      TrainReport b = new ModelTrainer().train(model, step, stepOptions);
      System.out.printf("STEP %.1f s %.0f samples/s losses %s%n", b.seconds(), b.samplesPerSecond(),
          round(b.epochLosses()));
      long t0 = System.nanoTime();
      report("VAL", new Evaluator().evaluate(model, val));
      System.out.printf("eval %.1f s%n", (System.nanoTime() - t0) / 1e9);
      if (Boolean.parseBoolean(arg("diag", "false"))) {
        diagnose(model, r1.val, dir);
      }
      if (Boolean.parseBoolean(arg("trainAcc", "false"))) {
        report("TRAINACC", new Evaluator().evaluate(model, step.subList(0, Math.min(300, step.size()))));
      }
      if (Boolean.parseBoolean(arg("test", "false"))) {
        List<Example> tests = new ArrayList<>(SkillWorldExamples.load(dir, "pretrain.json", "test"));
        tests.addAll(SkillWorldExamples.load(dir, "r1-llava-mix.json", "test"));
        report("TEST", new Evaluator().evaluate(model, tests));
      }
    }
  }

  static void report(String label, EvalReport r) {
    Map<String, Double> acc = new TreeMap<>(r.accuracy());
    double vision = acc.entrySet().stream().filter(e -> e.getKey().startsWith("vqa."))
        .mapToDouble(Map.Entry::getValue).average().orElse(Double.NaN);
    StringBuilder sb = new StringBuilder(String.format("%s vqaMean %.3f all %.3f |", label, vision, r.average()));
    acc.forEach((k, v) -> sb.append(String.format(" %s %.2f(%d)", k, v, r.support().get(k))));
    System.out.println(sb);
  }

  /** For colour and shape questions: is a wrong answer at least an attribute of some object in the scene? */
  static void diagnose(VisionLanguageModel model, List<Example> val, Path dir) throws IOException {
    Map<String, String> items = new HashMap<>();
    try (BufferedReader in = Files.newBufferedReader(dir.resolve("annotations/r1-llava-mix.jsonl"))) {
      for (String line; (line = in.readLine()) != null; ) {
        JsonNode n = JSON.readTree(line);
        items.put(n.get("id").asText(), n.get("item").asText());
      }
    }
    List<String> colours = List.of("red", "green", "blue", "yellow", "purple", "white");
    List<String> shapes = List.of("circle", "square", "triangle", "cross");
    for (String skill : List.of("vqa.colour", "vqa.shape")) {
      List<Example> xs = val.stream().filter(e -> skill.equals(e.group())).toList();
      List<String> got = new Evaluator().generate(model, xs);
      int right = 0;
      int wrongPresent = 0;
      int wrongAbsent = 0;
      int invalid = 0;
      Map<Integer, int[]> byObjects = new TreeMap<>();
      for (int i = 0; i < xs.size(); i++) {
        String item = items.get(xs.get(i).id());
        String[] objects = item.split("\\|")[2].split("\\.");
        String ref = xs.get(i).turns().get(xs.get(i).turns().size() - 1).text();
        String answer = got.get(i).trim();
        int[] bo = byObjects.computeIfAbsent(objects.length, k -> new int[2]);
        bo[1]++;
        if (answer.equals(ref)) {
          right++;
          bo[0]++;
          continue;
        }
        List<String> vocab = skill.equals("vqa.colour") ? colours : shapes;
        int at = vocab.indexOf(answer);
        if (at < 0) {
          invalid++;
          continue;
        }
        boolean present = false;
        for (String o : objects) {
          int digit = skill.equals("vqa.colour") ? o.charAt(1) - '0' : o.charAt(0) - '0';
          present |= digit == at;
        }
        if (present) {
          wrongPresent++;
        } else {
          wrongAbsent++;
        }
      }
      StringBuilder sb = new StringBuilder();
      byObjects.forEach((k, v) -> sb.append(String.format(" %d:%d/%d", k, v[0], v[1])));
      System.out.printf("DIAG %s n=%d right=%d wrong-but-in-scene=%d wrong-not-in-scene=%d invalid=%d | by objects%s%n",
          skill, xs.size(), right, wrongPresent, wrongAbsent, invalid, sb);
    }
  }

  static String arg(String key, String fallback) {
    return args.getOrDefault(key, fallback);
  }

  static ModelConfig config() {
    ModelConfig c = ModelConfig.cpu();
    return new ModelConfig(c.imageSize(), Integer.parseInt(arg("conv", "" + c.convChannels())),
        Integer.parseInt(arg("patch", "" + c.patchSize())), c.maxImages(),
        Integer.parseInt(arg("d", "" + c.dModel())), Integer.parseInt(arg("layers", "" + c.layers())),
        Integer.parseInt(arg("heads", "" + c.heads())), Integer.parseInt(arg("ffn", "" + c.ffn())),
        c.maxTextTokens(), Integer.parseInt(arg("layers", "" + c.layers())) / 2, c.sketchDim(), c.projectionSeed());
  }

  static TrainOptions options(String prefix, long seed) {
    return new TrainOptions(Integer.parseInt(arg(prefix + "Epochs", "6")),
        Integer.parseInt(arg(prefix + "Batch", arg("batch", "32"))),
        Float.parseFloat(arg(prefix + "Lr", arg("lr", "1e-3"))), seed,
        Float.parseFloat(arg(prefix + "Dropout", arg("imageDropout", "0"))),
        Float.parseFloat(arg(prefix + "Warmup", arg("warmup", "0"))),
        Float.parseFloat(arg(prefix + "Final", arg("final", "1"))),
        Float.parseFloat(arg(prefix + "Wd", arg("wd", "0"))),
        Float.parseFloat(arg(prefix + "Clip", arg("clip", "0"))));
  }

  record Split(List<Example> train, List<Example> val) {}

  /**
   * Validation: a seeded share of the clean, single-turn train originals that no other sample duplicates;
   * every near-duplicate of a held-out sample leaves training as well.
   */
  static Split split(Path dir, String release, double fraction) throws IOException {
    Map<String, JsonNode> notes = new HashMap<>();
    Map<String, Integer> copies = new HashMap<>();
    try (BufferedReader in = Files.newBufferedReader(dir.resolve("annotations/" + release + ".jsonl"))) {
      for (String line; (line = in.readLine()) != null; ) {
        JsonNode n = JSON.readTree(line);
        notes.put(n.get("id").asText(), n);
        if (!n.get("duplicate_of").isNull()) {
          copies.merge(n.get("duplicate_of").asText(), 1, Integer::sum);
        }
      }
    }
    List<Example> all = SkillWorldExamples.load(dir, release + ".json", "train");
    List<String> eligible = new ArrayList<>();
    for (Example e : all) {
      JsonNode n = notes.get(e.id());
      if (n.get("defects").isEmpty() && !n.get("two_turn").asBoolean() && !copies.containsKey(e.id())) {
        eligible.add(e.id());
      }
    }
    Collections.sort(eligible);
    Collections.shuffle(eligible, new Random(99));
    Set<String> held = new HashSet<>(eligible.subList(0, (int) Math.round(fraction * all.size())));
    List<Example> train = new ArrayList<>();
    List<Example> val = new ArrayList<>();
    for (Example e : all) {
      if (held.contains(e.id())) {
        val.add(e);
      } else {
        train.add(e);
      }
    }
    return new Split(train, val);
  }

  static String round(List<Float> losses) {
    StringBuilder sb = new StringBuilder("[");
    for (float f : losses) {
      sb.append(String.format(" %.3f", f));
    }
    return sb.append(" ]").toString();
  }
}
