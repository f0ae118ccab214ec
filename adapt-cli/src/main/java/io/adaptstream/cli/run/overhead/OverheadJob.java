package io.adaptstream.cli.run.overhead;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Split;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.IngestSamples;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.run.RunTopics;
import io.adaptstream.cli.run.demo.DemoResult;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.model.CheckpointRef;
import io.adaptstream.model.DjlRuntime;
import io.adaptstream.scoring.ScoringConfig;
import io.adaptstream.selector.SelectorConfig;
import io.adaptstream.trainer.TrainerConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code adapt demo --overhead}: after a run, its steps redone without Kafka ({@link BareRun}) on the samples the
 * run read from its ingest log, and {@code overhead.json} / {@code overhead.md} with the pipeline's seconds over
 * the bare seconds per phase and for the whole step.
 *
 * <p>Exact where the run says what it did: the model versions (from the models topic), the selected samples of
 * every step (trained here in the trainer's order), the test samples, the trainer's and selector's settings.
 * Approximate in one place: the run does not record which retained samples were in a step's pool, so the bare
 * step scores the same number of samples: the step's fresh ones, then earlier task releases' train samples, most
 * recent release first.
 */
public final class OverheadJob {

  /** The files written next to the run's results. */
  public static final String JSON_FILE = "overhead.json";
  public static final String MARKDOWN_FILE = "overhead.md";
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * The measurement: every step's bare and pipeline phases.
   *
   * @param runId the run measured
   * @param steps one entry per task step
   * @param total the pipeline's seconds over the bare seconds summed over all steps, per phase
   * @param totalRatio the same for whole steps
   */
  public record Overhead(String runId, List<BareStep> steps, BareStep.Phases total, double totalRatio) {

    static Overhead of(String runId, List<BareStep> steps) {
      double[] p = new double[4];
      double[] b = new double[4];
      for (BareStep s : steps) {
        add(p, s.pipeline());
        add(b, s.bare());
      }
      BareStep.Phases ratios = new BareStep.Phases(BareStep.ratio(p[0], b[0]), BareStep.ratio(p[1], b[1]),
          BareStep.ratio(p[2], b[2]), BareStep.ratio(p[3], b[3]));
      return new Overhead(runId, List.copyOf(steps), ratios,
          BareStep.ratio(p[0] + p[1] + p[2] + p[3], b[0] + b[1] + b[2] + b[3]));
    }

    private static void add(double[] sums, BareStep.Phases phases) {
      sums[0] += phases.scoring();
      sums[1] += phases.selection();
      sums[2] += phases.training();
      sums[3] += phases.evaluation();
    }
  }

  private OverheadJob() {}

  /**
   * Measures the finished run {@code result} of {@code settings} on {@code deployment} (still up: its topics are
   * read) and writes the two files into {@code dir}.
   */
  public static Overhead measure(Deployment deployment, PipelineSettings settings, Path workDir, String pretrainRelease,
      List<String> taskReleases, DemoResult result, Path dir, Consumer<String> progress) throws IOException {
    TrainerConfig trainer = new TrainerConfig(settings.service(ServiceLauncher.TRAINER, deployment, workDir));
    ScoringConfig scoring = new ScoringConfig(settings.service(ServiceLauncher.SCORING, deployment, workDir));
    SelectorConfig selector = new SelectorConfig(settings.service(ServiceLauncher.SELECTOR, deployment, workDir));
    DjlRuntime.init(trainer.deterministic());
    BlobStore blobs = BlobStore.at(deployment.requireBlobStore().toString());

    ModelVersion v0;
    try (RunTopics topics = new RunTopics(deployment, settings.runId(), trainer.modelName())) {
      topics.catchUp(READ_TIMEOUT);
      var models = topics.models();
      if (!models.containsKey(0)) {
        throw new IllegalStateException("run " + settings.runId() + " has no model version 0 on its models topic");
      }
      v0 = models.get(0).value();
    }
    IngestSamples log = IngestSamples.read(deployment, READ_TIMEOUT);
    Map<String, Sample> trainById = new HashMap<>();
    log.samples(taskReleases, Split.TRAIN).forEach(s -> trainById.put(s.getId(), s));

    List<BareRun.StepInput> inputs = new ArrayList<>();
    for (DemoResult.Step step : result.steps()) {
      int t = step.step();
      if (t < 1 || t > taskReleases.size()) {
        continue;
      }
      inputs.add(input(step, t, taskReleases, pretrainRelease, log, trainById, trainer, selector));
    }
    BareRun.Settings bare = new BareRun.Settings(trainer.learner(), trainer.device(), scoring.microBatch(),
        trainer.evalBatchSize(), selector.policy());
    CheckpointRef base = new CheckpointRef(v0.getSha256(), URI.create(v0.getUri()), v0.getConfig());
    Overhead overhead = Overhead.of(settings.runId(), BareRun.run(bare, blobs, base, inputs, progress));
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve(JSON_FILE).toFile(), overhead);
    Files.writeString(dir.resolve(MARKDOWN_FILE), table(overhead));
    return overhead;
  }

  private static BareRun.StepInput input(DemoResult.Step step, int t, List<String> taskReleases,
      String pretrainRelease, IngestSamples log, Map<String, Sample> trainById, TrainerConfig trainer,
      SelectorConfig selector) {
    List<Sample> fresh = byId(log.samples(List.of(taskReleases.get(t - 1)), Split.TRAIN));
    fresh = fresh.subList(0, (int) Math.min(fresh.size(), step.fresh()));
    Set<String> freshIds = new HashSet<>();
    fresh.forEach(s -> freshIds.add(s.getId()));
    List<Sample> pool = new ArrayList<>(fresh);
    for (int j = t - 2; j >= 0 && pool.size() < step.poolSize(); j--) {
      for (Sample s : byId(log.samples(List.of(taskReleases.get(j)), Split.TRAIN))) {
        if (pool.size() >= step.poolSize()) {
          break;
        }
        pool.add(s);
      }
    }
    List<Sample> selected = new ArrayList<>();
    for (String id : step.selectedIds().stream().sorted().toList()) {
      Sample s = trainById.get(id);
      if (s != null) {
        selected.add(s);
      }
    }
    List<String> testReleases = new ArrayList<>();
    if (pretrainRelease != null) {
      testReleases.add(pretrainRelease);
    }
    testReleases.addAll(taskReleases.subList(0, t));
    DemoResult.Seconds s = step.seconds();
    // the evaluation before training (forward transfer) is work the bare step does not redo: left out of both
    double incoming = s.incomingEvaluation() == null ? 0 : s.incomingEvaluation();
    BareStep.Phases pipeline = new BareStep.Phases(s.scoring(), s.selection(),
        Math.max(0, s.training() - s.evaluation() - incoming), s.evaluation());
    return new BareRun.StepInput(t, pool, freshIds, selected, log.samples(testReleases, Split.TEST),
        trainer.stepOptions(t), selector.stepSettings(t), pipeline, step.modelSha256());
  }

  private static List<Sample> byId(List<Sample> samples) {
    List<Sample> out = new ArrayList<>(samples);
    out.sort(Comparator.comparing(Sample::getId));
    return out;
  }

  /** The measurement as a Markdown table: per step and phase, pipeline s / bare s = ratio. */
  public static String table(Overhead o) {
    StringBuilder sb = new StringBuilder();
    sb.append("| step | pool | trained | tests | scoring | selection | training | evaluation | whole step | same weights |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (BareStep s : o.steps()) {
      BareStep.Phases r = s.ratios();
      sb.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %s | %s | %s | %s | %s | %s |%n", s.step(),
          s.scored(), s.trained(), s.tested(), cell(s.pipeline().scoring(), s.bare().scoring(), r.scoring()),
          cell(s.pipeline().selection(), s.bare().selection(), r.selection()),
          cell(s.pipeline().training(), s.bare().training(), r.training()),
          cell(s.pipeline().evaluation(), s.bare().evaluation(), r.evaluation()),
          cell(s.pipeline().total(), s.bare().total(), s.totalRatio()), s.sameWeights() ? "yes" : "no"));
    }
    BareStep.Phases t = o.total();
    sb.append(String.format(Locale.ROOT, "| all | | | | %s | %s | %s | %s | %s | |%n", ratio(t.scoring()),
        ratio(t.selection()), ratio(t.training()), ratio(t.evaluation()), ratio(o.totalRatio())));
    sb.append("\nEach cell: pipeline seconds / bare seconds = ratio (pipeline over bare).\n");
    return sb.toString();
  }

  private static String cell(double pipeline, double bare, double ratio) {
    return String.format(Locale.ROOT, "%.2f / %.2f = %s", pipeline, bare, ratio(ratio));
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2f×", r);
  }
}
