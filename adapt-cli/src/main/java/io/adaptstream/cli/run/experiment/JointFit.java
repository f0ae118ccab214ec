package io.adaptstream.cli.run.experiment;

import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Split;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.IngestSamples;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.run.demo.DemoJob;
import io.adaptstream.cli.run.demo.DemoProgress;
import io.adaptstream.cli.run.demo.DemoResult;
import io.adaptstream.cli.run.demo.TrainerProgress;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.model.CheckpointRef;
import io.adaptstream.model.DjlRuntime;
import io.adaptstream.model.Example;
import io.adaptstream.model.Learner;
import io.adaptstream.model.Learners;
import io.adaptstream.model.TrainOptions;
import io.adaptstream.trainer.Checkpoints;
import io.adaptstream.trainer.ExampleFactory;
import io.adaptstream.trainer.TrainerConfig;
import io.adaptstream.trainer.TrainerListener;
import io.adaptstream.trainer.VersionMaker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The joint reference of the equal-compute protocol: one model version fitted from a seed's base model v0 on the
 * union of all its task releases' train samples, with as many optimizer steps as the whole sequence gets
 * (T task releases × S steps per time step), and evaluated once on the test samples of every release. It is the
 * paper's 100% of relative gain: what the same compute buys when all data is there at once. (Multitask, which
 * retrains on everything so far at every step, stays in the table as a labelled ceiling.)
 *
 * <p>It reads the samples from the seed's ingest log, exactly as the pipeline saw them, converts them as the
 * trainer does ({@link ExampleFactory}) and fits with the trainer's own Kafka-free core ({@link VersionMaker}),
 * seeded as the trainer seeds step T ({@link TrainerConfig#stepOptions}). Train samples are in sample id order, as
 * the trainer orders a step's selection.
 */
public final class JointFit {

  /** The method name of the joint reference in {@code --methods} and in the table. */
  public static final String METHOD = "joint";
  /** What its fitted step's release is called. */
  public static final String RELEASE = "joint (all releases)";
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);

  private JointFit() {}

  /**
   * Fits and evaluates the joint version.
   *
   * @param settings the seed's run settings (trainer keys, seed, mode); their {@code trainer.steps} is S
   * @param workDir the joint run's directory (its trainer settings' local state)
   * @param baseDir the seed's exported base model v0 ({@link Checkpoints#export})
   * @param pretrainRelease the pretraining release (its test samples are evaluated too); null when none
   * @param taskReleases the task releases, step 1 first
   * @param baseStep step 0 of the seed's runs (the base model's evaluation), copied as the result's step 0
   * @return the result: step 0 and one step T; forgetting 0 (there is no sequence to forget along)
   * @throws IllegalArgumentException when {@code trainer.steps} is 0 (epochs mode has no equal compute to match)
   */
  public static DemoResult run(Deployment deployment, PipelineSettings settings, Path workDir, Path baseDir,
      String pretrainRelease, List<String> taskReleases, DemoResult.Step baseStep, DemoProgress progress)
      throws IOException {
    long t0 = System.nanoTime();
    TrainerConfig config = new TrainerConfig(settings.service(ServiceLauncher.TRAINER, deployment, workDir));
    int releases = taskReleases.size();
    TrainOptions perStep = config.stepOptions(releases);
    if (!perStep.stepsMode()) {
      throw new IllegalArgumentException("the joint reference needs equal compute (" + TrainerConfig.STEPS
          + " > 0); this experiment trains in epochs");
    }
    TrainOptions options = perStep.withSteps(Math.multiplyExact(releases, perStep.steps()));
    DjlRuntime.init(config.deterministic());
    BlobStore blobs = BlobStore.at(deployment.requireBlobStore().toString());
    CheckpointRef base = Checkpoints.importInto(baseDir, blobs);

    IngestSamples log = IngestSamples.read(deployment, READ_TIMEOUT);
    List<String> all = new ArrayList<>();
    if (pretrainRelease != null) {
      all.add(pretrainRelease);
    }
    all.addAll(taskReleases);
    List<Sample> trainSamples = log.samples(taskReleases, Split.TRAIN);
    List<Sample> testSamples = log.samples(all, Split.TEST);
    if (trainSamples.isEmpty()) {
      throw new IllegalStateException("the ingest log holds no train samples of " + taskReleases);
    }

    ExampleFactory examples = new ExampleFactory(blobs);
    TrainerProgress trainer = new TrainerProgress(true, false);
    TrainerListener listener = new TrainerListener() {
      private String shown = "";

      @Override
      public void onPhase(int version, Phase phase) {
        trainer.onPhase(version, phase);
        show();
      }

      @Override
      public void onTrainingStep(int version, int step, int totalSteps, int stepsPerEpoch, float loss) {
        trainer.onTrainingStep(version, step, totalSteps, stepsPerEpoch, loss);
        show();
      }

      private void show() {
        String line = trainer.describe("joint fit");
        if (!line.isEmpty() && !line.equals(shown)) {
          progress.line(line);
        }
        shown = line;
      }
    };
    VersionMaker maker = new VersionMaker(config.modelName(), blobs, config.evalBatchSize(), listener);
    VersionMaker.Result made;
    try (Learner model = Learners.load(config.learner(), blobs, base.sha256(), base.configJson(),
        config.device())) {
      List<Example> train = convert(trainSamples, examples, model, "train", progress);
      List<Example> tests = convert(testSamples, examples, model, "test", progress);
      progress.line(String.format(Locale.ROOT, "joint fit from v0 (sha256 %s): %d train samples of %d task "
          + "releases, %d x %d = %d optimizer steps of batch %d; %d test samples of %d releases",
          base.sha256().substring(0, 12), train.size(), releases, releases, perStep.steps(), options.steps(),
          options.batchSize(), tests.size(), all.size()));
      made = maker.make(releases, RELEASE, model, train, options, tests);
    }
    ModelVersion m = made.version();
    EvalResult e = made.evaluation();
    DemoResult.Step fitted = new DemoResult.Step(releases, RELEASE, m.getTrainedSamples(), 0, m.getTrainedSamples(),
        0, List.of(), DemoJob.accuracy(e), e.getAvgAccuracy(), new DemoResult.Seconds(0, 0,
            DemoJob.round(m.getTrainSeconds() + e.getEvalSeconds()), DemoJob.round(e.getEvalSeconds())),
        m.getTrainedSamples(), m.getSha256(), List.of(),
        DemoJob.testScores(e), m.getOptimizerSteps(), m.getSamplePasses(), null, null);
    return new DemoResult(settings.runId(), METHOD, settings.seed(), List.of(Objects.requireNonNull(baseStep),
        fitted), e.getAvgAccuracy(), 0, DemoJob.round((System.nanoTime() - t0) / 1e9));
  }

  /** Usable examples of {@code samples}; the others are left out, as the trainer leaves them out, and counted. */
  private static List<Example> convert(List<Sample> samples, ExampleFactory examples, Learner model,
      String what, DemoProgress progress) {
    List<Example> out = new ArrayList<>(samples.size());
    int left = 0;
    for (Sample s : samples) {
      ExampleFactory.Conversion c = examples.convert(s, model);
      if (c.ok()) {
        out.add(c.example());
      } else {
        left++;
      }
    }
    if (left > 0) {
      progress.line(left + " " + what + " samples left out (unusable: missing or corrupt image, invalid example)");
    }
    return out;
  }
}
