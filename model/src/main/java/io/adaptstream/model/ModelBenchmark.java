package io.adaptstream.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures, side by side in one process on the default configuration: training throughput, scoring throughput
 * (sketch, embedding and every score), the batch-size-1 autograd loop that the probe trick replaces (same
 * projection), and how well the Kronecker sketch keeps the pairwise cosine geometry of the exact per-sample
 * gradients compared with a dense Gaussian projection of the same gradients.
 *
 * <p>Prints a markdown table and, with {@code --out}, writes it into that file's "## Model: training, scoring,
 * sketches" section (created or replaced; other sections are left alone).
 */
@Command(name = "model-benchmark", mixinStandardHelpOptions = true,
    description = "Training, scoring and gradient-sketch throughput of the default model.")
public final class ModelBenchmark implements Callable<Integer> {

  static final String SECTION = "## Model: training, scoring, sketches";
  /**
   * How the model module's benchmarks are built and launched (offline DJL, the tuned glibc malloc), up to the main
   * class; {@link EvalBenchmark} shares it.
   */
  static final String LAUNCH = "mvn -B -q -pl model compile dependency:build-classpath"
      + " -Dmdep.outputFile=$PWD/model/target/cp.txt -Dmdep.includeScope=runtime\n"
      + "DJL_OFFLINE=true DJL_CACHE_DIR=$PWD/.cache/djl MALLOC_MMAP_THRESHOLD_=33554432"
      + " MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_TOP_PAD_=268435456 \\\n"
      + "  java -cp model/target/classes:$(cat model/target/cp.txt) io.adaptstream.model.";
  static final String COMMAND = LAUNCH + "ModelBenchmark --samples 512 --out docs/benchmarks.md";

  @Option(names = "--samples", description = "Samples for training and scoring (default ${DEFAULT-VALUE}).")
  int samples = 512;

  @Option(names = "--loop-samples", description = "Samples for the batch-size-1 loop (default ${DEFAULT-VALUE}).")
  int loopSamples = 64;

  @Option(names = "--geometry-samples",
      description = "Samples whose pairwise cosines are compared (default ${DEFAULT-VALUE}).")
  int geometrySamples = 128;

  @Option(names = "--batch", description = "Scoring micro-batch (default ${DEFAULT-VALUE}, the scoring service's).")
  int batch = 32;

  @Option(names = "--train-batch", description = "Training batch (default ${DEFAULT-VALUE}, the trainer service's).")
  int trainBatch = 8;

  @Option(names = "--seed", description = "Seed of data, model and projections (default ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--rounds", description = "Timed rounds; the best is reported (default ${DEFAULT-VALUE}).")
  int rounds = 3;

  @Option(names = "--deterministic", description = "One PyTorch thread (deterministic mode).")
  boolean deterministic;

  @Option(names = "--device", description = "cpu or gpu (default ${DEFAULT-VALUE}).")
  String device = "cpu";

  @Option(names = "--out", description = "Markdown file whose model section is written.")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ModelBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    DjlRuntime.init(deterministic);
    ModelConfig config = ModelConfig.cpu();
    SyntheticSamples data = new SyntheticSamples(seed);
    List<Example> examples = data.varied(samples);
    List<Example> loopSet = examples.subList(0, Math.min(loopSamples, examples.size()));
    List<Example> geometrySet = examples.subList(0, Math.min(geometrySamples, examples.size()));
    try (VisionLanguageModel model = VisionLanguageModel.create(config, seed, ComputeDevice.parse(device))) {
      TrainOptions options = TrainOptions.defaults().withBatchSize(trainBatch).withSeed(seed);
      SampleScorer scorer = new SampleScorer(batch);
      // warm-up; the epoch also moves the model away from its random start, as in the pipeline
      TrainReport first = new ModelTrainer().train(model, examples, options);
      List<Example> few = examples.subList(0, Math.min(2 * batch, examples.size()));
      scorer.score(model, few);
      SampleScorer.sketches(model, few, batch);
      SampleScorer.autogradLoop(model, loopSet.subList(0, Math.min(4, loopSet.size())), false, true);
      SampleScorer.autogradLoop(model, loopSet.subList(0, Math.min(4, loopSet.size())), false, false);

      // interleaved rounds, best of each: the machine may be shared, and contention only ever slows a run down
      double[][] rates = new double[5][rounds];
      TrainReport last = first;
      List<SampleSignals> signals = null;
      List<float[][]> loop = null;
      for (int round = 0; round < rounds; round++) {
        last = new ModelTrainer().train(model, examples, options.withSeed(seed + round + 1));
        rates[0][round] = last.samplesPerSecond();
        long start = System.nanoTime();
        signals = scorer.score(model, examples);
        rates[1][round] = rate(examples.size(), start);
        start = System.nanoTime();
        SampleScorer.sketches(model, examples, batch);
        rates[2][round] = rate(examples.size(), start);
        start = System.nanoTime();
        SampleScorer.autogradLoop(model, loopSet, false, false);
        rates[3][round] = rate(loopSet.size(), start);
        start = System.nanoTime();
        loop = SampleScorer.autogradLoop(model, loopSet, false, true);
        rates[4][round] = rate(loopSet.size(), start);
      }
      double maxDiff = 0;
      for (int i = 0; i < loop.size(); i++) {
        maxDiff = Math.max(maxDiff, maxRelativeDifference(signals.get(i).sketch(), loop.get(i)[0]));
      }
      Geometry geometry = geometry(model, geometrySet, signals.subList(0, geometrySet.size()));
      String table = table(config, model.parameterCount(), rates, maxDiff, geometry, first.epochLosses().get(0),
          last.epochLosses().get(last.epochLosses().size() - 1));
      System.out.println(table);
      if (out != null) {
        writeSection(out, table);
        System.out.println("written to " + out);
      }
    }
    return 0;
  }

  private static double rate(int count, long startNanos) {
    return count / ((System.nanoTime() - startNanos) / 1e9);
  }

  /** Pearson correlations between pairwise-cosine matrices (upper triangles). */
  record Geometry(double kroneckerVsExact, double denseVsExact, double kroneckerVsDense, int samples) {}

  private Geometry geometry(VisionLanguageModel model, List<Example> examples, List<SampleSignals> signals) {
    ModelConfig config = model.config();
    int dim = config.ffn() * (config.dModel() + 1);
    int n = examples.size();
    float[] dense = new float[dim * config.sketchDim()];
    Random random = new Random(seed ^ 0x5DEECE66DL);
    double std = 1.0 / Math.sqrt(config.sketchDim());
    for (int i = 0; i < dense.length; i++) {
      dense[i] = (float) (random.nextGaussian() * std);
    }
    float[][] exact = new float[n][];
    float[][] projected = new float[n][];
    List<ExampleLayout> samples = ExampleLayout.of(examples, config);
    try (NDManager m = model.manager().newSubManager()) {
      NDArray r = m.create(dense, new Shape(dim, config.sketchDim()));
      for (int from = 0; from < n; from += batch) {
        List<ExampleLayout> chunk = samples.subList(from, Math.min(n, from + batch));
        try (NDManager step = m.newSubManager()) {
          Batch b = Batch.of(step, config, chunk, SampleScorer.all(chunk.size(), true));
          SampleScorer.Probed probed = SampleScorer.probe(model, b, step);
          int from0 = from;
          VisionLanguageModel.withoutGradients(() -> {
            NDArray g = probed.dy().transpose(0, 2, 1).matMul(SampleScorer.withOnes(probed.x()))
                .reshape(chunk.size(), dim);
            float[] flat = g.toFloatArray();
            float[] proj = g.matMul(r).toFloatArray();
            for (int i = 0; i < chunk.size(); i++) {
              exact[from0 + i] = java.util.Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
              projected[from0 + i] = java.util.Arrays.copyOfRange(proj, i * config.sketchDim(),
                  (i + 1) * config.sketchDim());
            }
            return null;
          });
        }
      }
    }
    float[][] kron = new float[n][];
    for (int i = 0; i < n; i++) {
      kron[i] = signals.get(i).sketch();
    }
    double[] cosExact = pairwiseCosines(exact);
    double[] cosDense = pairwiseCosines(projected);
    double[] cosKron = pairwiseCosines(kron);
    return new Geometry(pearson(cosKron, cosExact), pearson(cosDense, cosExact), pearson(cosKron, cosDense), n);
  }

  static double[] pairwiseCosines(float[][] vectors) {
    int n = vectors.length;
    double[] norms = new double[n];
    for (int i = 0; i < n; i++) {
      norms[i] = Math.sqrt(dot(vectors[i], vectors[i]));
    }
    double[] out = new double[n * (n - 1) / 2];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        out[k++] = dot(vectors[i], vectors[j]) / (norms[i] * norms[j]);
      }
    }
    return out;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  static double pearson(double[] x, double[] y) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= x.length;
    my /= y.length;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  private static double maxRelativeDifference(float[] a, float[] b) {
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    return scale == 0 ? diff : diff / scale;
  }

  /** Throughputs of the rounds (samples/s); the best is the one reported. */
  record Rates(double[] values) {
    double best() {
      double b = 0;
      for (double v : values) {
        b = Math.max(b, v);
      }
      return b;
    }

    String show() {
      StringBuilder s = new StringBuilder(fmt(best())).append(" (");
      for (int i = 0; i < values.length; i++) {
        s.append(i == 0 ? "" : ", ").append(fmt(values[i]));
      }
      return s.append(")").toString();
    }
  }

  private String table(ModelConfig config, long params, double[][] rates, double maxDiff, Geometry g,
      float firstLoss, float lastLoss) {
    Rates train = new Rates(rates[0]);
    Rates score = new Rates(rates[1]);
    Rates sketch = new Rates(rates[2]);
    Rates loopAll = new Rates(rates[3]);
    Rates loopFrozen = new Rates(rates[4]);
    String malloc = malloc();
    StringBuilder s = new StringBuilder();
    s.append(SECTION).append("\n\n");
    s.append(String.format(Locale.ROOT, "Measured %s by `ModelBenchmark`: %d CPU cores%s, load average %s "
            + "at the end, Java %s, %s via DJL %s, %d intra-op threads, %s. Default model (`ModelConfig.cpu()`, %,d "
            + "parameters), %d synthetic samples (colour, position, one-sentence description, two-image comparison, "
            + "text-only arithmetic; 0–2 images, 1–60-byte answers), training batch %d, scoring micro-batch %d. "
            + "After a warm-up, %d interleaved rounds of: one training epoch, scoring every sample, sketching every "
            + "sample, the two loops; each value is the best round (all rounds in brackets), since a shared machine "
            + "only ever slows a round down. Training loss %.3f (first epoch) → %.3f (last). Scoring: everything "
            + "`SampleScorer` returns. Sketches alone: the probe pass and the projection, nothing else. The loops: "
            + "one backward per sample (%d samples), then the same Kronecker projection; their sketches equal the "
            + "probe trick's to %.1e relative. Geometry: Pearson correlation of the pairwise cosine matrices of %d "
            + "samples' exact gradients (%,d parameters each) and of their %d-dimensional projections.%n%n",
        LocalDate.now(), Runtime.getRuntime().availableProcessors(), cpuModel(), loadAverage(),
        Runtime.version(), Engine.getInstance().getEngineName() + " "
            + Engine.getInstance().getVersion(), Engine.getDjlVersion(), JniUtils.getNumThreads(), malloc, params,
        samples, trainBatch, batch, rounds, firstLoss, lastLoss, loopSamples, maxDiff, g.samples(),
        (long) config.ffn() * (config.dModel() + 1), config.sketchDim()));
    s.append("| measure | value | target |\n|---|---|---|\n");
    s.append(row("training (samples/s)", train.show(), ""));
    s.append(row("scoring: sketch + embedding + all scores (samples/s)", score.show(), "≥ 200"));
    s.append(row("scoring cost ÷ training cost, per sample", fmt2(train.best() / score.best()), "≤ 1.5"));
    s.append(row("gradient sketches alone, probe trick, batched (samples/s)", sketch.show(), ""));
    s.append(row("batch-size-1 autograd loop, every weight with gradients (samples/s)", loopAll.show(), ""));
    s.append(row("batch-size-1 autograd loop, other weights frozen (samples/s)", loopFrozen.show(), ""));
    s.append(row("sketch speed-up over the loop with every weight", fmt2(sketch.best() / loopAll.best()) + "×",
        "≥ 5×"));
    s.append(row("sketch speed-up over the loop with other weights frozen",
        fmt2(sketch.best() / loopFrozen.best()) + "×", ""));
    s.append(row("pairwise-cosine correlation: Kronecker sketch vs exact gradients", fmt3(g.kroneckerVsExact()),
        ""));
    s.append(row("pairwise-cosine correlation: dense Gaussian vs exact gradients", fmt3(g.denseVsExact()), ""));
    s.append(row("pairwise-cosine correlation: Kronecker vs dense", fmt3(g.kroneckerVsDense()), ""));
    s.append("\nCommand (from the repository root):\n\n```sh\n").append(COMMAND).append("\n```\n");
    return s.toString();
  }

  /** Whether this process runs with the tuned glibc malloc of {@link #LAUNCH}, as the measurements report it. */
  static String malloc() {
    return System.getenv("MALLOC_TOP_PAD_") != null ? "tuned glibc malloc" : "default glibc malloc";
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return parts[0] + " / " + parts[1] + " / " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String row(String measure, String value, String target) {
    return "| " + measure + " | " + value + " | " + target + " |\n";
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.0f", v);
  }

  private static String fmt2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String fmt3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return " (" + line.substring(line.indexOf(':') + 1).trim() + ")";
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: leave the model out
    }
    return "";
  }

  /** Replaces (or appends) this benchmark's section, leaving the rest of the file as it is. */
  static void writeSection(Path file, String section) throws IOException {
    writeSection(file, SECTION, section);
  }

  /** Replaces (or appends) the section under {@code heading}, leaving the rest of the file as it is. */
  static void writeSection(Path file, String heading, String section) throws IOException {
    String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n";
    String updated = replaceSection(text, heading, section);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, updated, StandardCharsets.UTF_8);
  }

  static String replaceSection(String text, String section) {
    return replaceSection(text, SECTION, section);
  }

  static String replaceSection(String text, String heading, String section) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals(heading)) {
        start = i;
        break;
      }
    }
    String body = section.endsWith("\n") ? section : section + "\n";
    if (start < 0) {
      String base = text.endsWith("\n") ? text : text + "\n";
      return base + "\n" + body;
    }
    int end = lines.size();
    boolean fence = false;
    for (int i = start + 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("```")) {
        fence = !fence;
      }
      if (!fence && (line.startsWith("## ") || line.startsWith("# "))) {
        end = i;
        break;
      }
    }
    String before = String.join("\n", lines.subList(0, start));
    String after = String.join("\n", lines.subList(end, lines.size()));
    return (before.isEmpty() ? "" : before + "\n") + body + (after.isEmpty() ? "" : "\n" + after);
  }
}
