package io.adaptstream.trainer;

import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.IncomingEval;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.model.CheckpointRef;
import io.adaptstream.model.ComputeDevice;
import io.adaptstream.model.EvalReport;
import io.adaptstream.model.Evaluator;
import io.adaptstream.model.Learner;
import io.adaptstream.model.LearnerConfig;
import io.adaptstream.model.Learners;
import io.adaptstream.model.Example;
import io.adaptstream.model.TrainOptions;
import io.adaptstream.model.TrainReport;
import io.adaptstream.trainer.TrainerListener.Phase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one model version without Kafka: trains a model on examples, evaluates it on test examples and stores its
 * checkpoint, and returns the {@link ModelVersion} and {@link EvalResult} records that describe it.
 *
 * <p>It is the trainer's work minus its plumbing: {@link TrainerService} reads selections and the ingest log, calls
 * this (through {@code StepTrainer}, which also converts samples and keeps the model between steps), and publishes
 * the result in a transaction; the command line calls it directly for fits outside the
 * pipeline (such as one fit on every release's train samples, the joint reference of the equal-compute protocol);
 * tests drive it without a broker. The name follows {@link TrainerService}'s own description of a step ("makes
 * model version t"): what is made need not be a pipeline step.
 *
 * <p>Test examples are evaluated in sample id order, so each group's {@link EvalResult#getItemScores() item scores}
 * are ordered by test sample id: two versions, or two runs, evaluated on the same test samples give index-aligned
 * arrays, which is what paired differences and bootstrap intervals over test samples need. Given each test
 * sample's release, the evaluation also has the accuracy per release (the rows of the accuracy matrix a run's
 * continual-learning metrics read), computed from the same per-sample scores: no second pass over the model.
 */
public final class VersionMaker {

  private static final Logger LOG = LoggerFactory.getLogger(VersionMaker.class);
  /** In steps mode, about this many progress lines per training call. */
  private static final int STEP_LOG_LINES = 10;

  /**
   * What making a version produced.
   *
   * @param version the version's record (checkpoint, training figures)
   * @param evaluation its evaluation, with per-sample scores
   * @param training what training did; null when there was nothing to train on (the weights are the input's)
   * @param checkpoint where the weights are stored (the blob store's sha256 and URI, the model config)
   */
  public record Result(ModelVersion version, EvalResult evaluation, TrainReport training, CheckpointRef checkpoint) {}

  private final String modelName;
  private final BlobStore blobs;
  private final int evalBatchSize;
  private final TrainerListener listener;

  /**
   * @param modelName the name the records carry
   * @param blobs where checkpoints are stored
   * @param evalBatchSize test samples decoded together
   * @param listener told of the training and evaluating phases and of every training step (its
   *     {@link TrainerListener#onPublished} is never called here); an exception it throws ends the call
   */
  public VersionMaker(String modelName, BlobStore blobs, int evalBatchSize, TrainerListener listener) {
    this.modelName = Objects.requireNonNull(modelName, "modelName");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    if (evalBatchSize < 1) {
      throw new IllegalArgumentException("evalBatchSize must be >= 1, got " + evalBatchSize);
    }
    this.evalBatchSize = evalBatchSize;
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Loads {@code base} from the blob store (verifying its sha256), makes a version from it as
   * {@link #make(int, String, Learner, List, TrainOptions, List)} does, and closes the model.
   *
   * @param learner the configured learner; a base checkpoint of another kind is refused
   */
  public Result make(int version, String release, LearnerConfig learner, CheckpointRef base, ComputeDevice device,
      List<Example> train, TrainOptions options, List<Example> tests) throws IOException {
    try (Learner model = Learners.load(learner, blobs, base.sha256(), base.configJson(), device)) {
      return make(version, release, model, train, options, tests);
    }
  }

  /**
   * Trains {@code model} in place on {@code train} (nothing when it is empty), evaluates it on {@code tests} (none
   * when empty: the evaluation is then empty) and stores its checkpoint. The model stays open and is the caller's.
   *
   * @param version the version number the records carry
   * @param release the release the records say it was trained on; may be null
   * @param train usable training examples (see {@link Learner#validate}), in the order to train on
   * @param options how to train (epochs or steps mode)
   * @param tests usable test examples with unique ids and their groups, in any order
   * @throws IllegalArgumentException when two test examples share an id
   */
  public Result make(int version, String release, Learner model, List<Example> train,
      TrainOptions options, List<Example> tests) throws IOException {
    return make(version, release, model, train, options, tests, Map.of(), null);
  }

  /**
   * As {@link #make(int, String, Learner, List, TrainOptions, List)}, with each test sample's release (for the
   * evaluation's per-release accuracy) and the incoming evaluation made before training (see
   * {@link #evaluateIncoming}), which the evaluation record carries as it is.
   *
   * @param releaseOf test sample id to its release; a test sample it does not name counts under no release
   * @param incoming versions t-1 and 0 on release t's test split; null when not made
   */
  public Result make(int version, String release, Learner model, List<Example> train, TrainOptions options,
      List<Example> tests, Map<String, String> releaseOf, IncomingEval incoming) throws IOException {
    TrainReport report = train.isEmpty() ? null : train(version, model, train, options);
    EvalResult evaluation = evaluate(version, model, tests, releaseOf);
    if (incoming != null) {
      evaluation.setIncoming(incoming);
    }
    CheckpointRef ref = model.save(blobs);
    ModelVersion record = ModelVersion.newBuilder()
        .setModel(modelName)
        .setVersion(version)
        .setUri(ref.uri().toString())
        .setSha256(ref.sha256())
        .setConfig(ref.configJson())
        .setKind(model.kind())
        .setTrainedSamples(train.size())
        .setRelease(release)
        .setTrainLoss(report == null ? null : report.lastPassLoss())
        .setTrainSeconds(report == null ? 0 : report.seconds())
        .setOptimizerSteps(report == null ? 0 : report.optimizerSteps())
        .setSamplePasses(report == null ? 0 : report.samplePasses())
        .build();
    return new Result(record, evaluation, report, ref);
  }

  /** Trains {@code model} in place, telling the listener of every step and logging progress. */
  public TrainReport train(int version, Learner model, List<Example> train, TrainOptions options) {
    listener.onPhase(version, Phase.TRAINING);
    int totalSteps = options.totalSteps(train.size());
    if (options.stepsMode()) {
      LOG.info("version {}: training on {} samples, {} steps of batch {} ({} passes), learning rate {}, image "
          + "dropout {}, seed {}", version, train.size(), totalSteps, options.batchSize(),
          String.format("%.2f", (double) totalSteps * options.batchSize() / train.size()), options.learningRate(),
          options.imageDropout(), options.seed());
    } else {
      LOG.info("version {}: training on {} samples, {} epochs ({} steps) of batch {}, learning rate {}, image "
          + "dropout {}, seed {}", version, train.size(), options.epochs(), totalSteps, options.batchSize(),
          options.learningRate(), options.imageDropout(), options.seed());
    }
    double[] window = new double[2];
    TrainReport report = model.train(train, options, (step, steps, stepsPerEpoch, loss) -> {
      listener.onTrainingStep(version, step, steps, stepsPerEpoch, loss);
      window[0] += loss;
      window[1]++;
      if (logsAfter(options, step, steps, stepsPerEpoch)) {
        String mean = String.format("%.4f", window[0] / window[1]);
        if (options.stepsMode()) {
          LOG.info("version {}: step {}/{}: mean batch loss {}", version, step + 1, steps, mean);
        } else {
          LOG.info("version {}: epoch {}/{}: mean batch loss {}", version, step / stepsPerEpoch + 1,
              options.epochs(), mean);
        }
        window[0] = 0;
        window[1] = 0;
      }
    });
    List<Float> losses = report.epochLosses();
    LOG.info("version {}: trained in {} s ({} samples/s): {} steps, {} sample passes ({} per sample), {} {}", version,
        String.format("%.1f", report.seconds()), String.format("%.1f", report.samplesPerSecond()),
        report.optimizerSteps(), report.samplePasses(), String.format("%.2f", report.passes()),
        options.stepsMode() ? "first and last pass losses" : "epoch losses",
        options.stepsMode() ? List.of(losses.get(0), (float) report.lastPassLoss()) : losses);
    return report;
  }

  /** Epochs mode: at the end of every epoch; steps mode: about {@value #STEP_LOG_LINES} times, and at the end. */
  private static boolean logsAfter(TrainOptions options, int step, int steps, int stepsPerEpoch) {
    if (!options.stepsMode()) {
      return (step + 1) % stepsPerEpoch == 0;
    }
    int every = Math.max(1, (steps + STEP_LOG_LINES - 1) / STEP_LOG_LINES);
    return (step + 1) % every == 0 || step == steps - 1;
  }

  /**
   * Evaluates {@code model} on {@code tests} in sample id order: accuracy and support per group, and per group the
   * score of each test sample ordered by id. An empty {@code tests} gives an empty evaluation.
   *
   * @throws IllegalArgumentException when two test examples share an id
   */
  public EvalResult evaluate(int version, Learner model, List<Example> tests) {
    return evaluate(version, model, tests, Map.of());
  }

  /**
   * As {@link #evaluate(int, Learner, List)}, plus the accuracy and support per release of the test samples that
   * {@code releaseOf} names (test sample id to release).
   */
  public EvalResult evaluate(int version, Learner model, List<Example> tests, Map<String, String> releaseOf) {
    listener.onPhase(version, Phase.EVALUATING);
    long start = System.nanoTime();
    List<Example> ordered = ordered(tests);
    EvalResult.Builder result = EvalResult.newBuilder().setModel(modelName).setVersion(version);
    if (ordered.isEmpty()) {
      LOG.warn("version {}: no test samples; nothing to evaluate", version);
      result.setAccuracy(Map.of()).setSupport(Map.of()).setAvgAccuracy(0).setTestSamples(0)
          .setItemScores(Map.of()).setReleaseAccuracy(Map.of()).setReleaseSupport(Map.of());
    } else {
      EvalReport report = model.evaluate(ordered, evalBatchSize, Evaluator.DEFAULT_ANSWER_MARGIN);
      PerRelease perRelease = PerRelease.of(ordered, report, releaseOf);
      result.setAccuracy(new HashMap<>(report.accuracy())).setSupport(new HashMap<>(report.support()))
          .setAvgAccuracy(report.average()).setTestSamples(ordered.size())
          .setItemScores(new HashMap<>(report.itemScores()))
          .setReleaseAccuracy(perRelease.accuracy()).setReleaseSupport(perRelease.support());
      Map<String, String> shown = new TreeMap<>();
      report.accuracy().forEach((g, a) -> shown.put(g, String.format("%.3f", a)));
      LOG.info("version {}: accuracy {}", version, shown);
    }
    return result.setEvalSeconds((System.nanoTime() - start) / 1e9).build();
  }

  /**
   * The evaluation that forward transfer needs, made before version {@code version} is trained: {@code previous}
   * (version {@code version - 1}) and, when given, {@code base} (version 0) on {@code releaseTests}, the test
   * samples of release {@code version} alone. Neither model's weights change, and training's random draws (shuffles,
   * image dropout) come from its own seeded source, so the training that follows is the same with or without it.
   *
   * @param base version 0, or null to leave the base part empty (when {@code previous} is version 0 it is the same
   *     model: pass it as both)
   * @param releaseTests release {@code version}'s usable test examples with unique ids, in any order
   * @param extraSeconds seconds spent outside this call for it (loading {@code base}), added to its evalSeconds
   * @return the incoming evaluation, or null when {@code releaseTests} is empty (nothing to evaluate)
   */
  public IncomingEval evaluateIncoming(int version, String release, Learner previous, Learner base,
      List<Example> releaseTests, double extraSeconds) {
    if (releaseTests.isEmpty()) {
      LOG.warn("version {}: release {} has no usable test sample; no incoming evaluation", version, release);
      return null;
    }
    listener.onPhase(version, Phase.EVALUATING);
    long start = System.nanoTime();
    List<Example> ordered = ordered(releaseTests);
    EvalReport before = previous.evaluate(ordered, evalBatchSize, Evaluator.DEFAULT_ANSWER_MARGIN);
    EvalReport atBase = base == null ? null : base == previous ? before
        : base.evaluate(ordered, evalBatchSize, Evaluator.DEFAULT_ANSWER_MARGIN);
    IncomingEval incoming = IncomingEval.newBuilder()
        .setRelease(release)
        .setTestSamples(ordered.size())
        .setSupport(new HashMap<>(before.support()))
        .setPreviousAccuracy(new HashMap<>(before.accuracy()))
        .setPreviousReleaseAccuracy(sampleMean(before))
        .setBaseAccuracy(atBase == null ? Map.of() : new HashMap<>(atBase.accuracy()))
        .setBaseReleaseAccuracy(atBase == null ? null : sampleMean(atBase))
        .setEvalSeconds(extraSeconds + (System.nanoTime() - start) / 1e9)
        .build();
    LOG.info("version {}: before training, on release {}'s {} test samples: version {} {}, version 0 {} ({} s)",
        version, release, ordered.size(), version - 1, String.format("%.3f", incoming.getPreviousReleaseAccuracy()),
        atBase == null ? "not evaluated" : String.format("%.3f", incoming.getBaseReleaseAccuracy()),
        String.format("%.1f", incoming.getEvalSeconds()));
    return incoming;
  }

  /** The tests in sample id order; refuses a repeated id. */
  private static List<Example> ordered(List<Example> tests) {
    List<Example> ordered = new ArrayList<>(tests);
    ordered.sort(Comparator.comparing(Example::id));
    Set<String> ids = new HashSet<>();
    for (Example e : ordered) {
      if (!ids.add(e.id())) {
        throw new IllegalArgumentException("test sample " + e.id() + " is given twice");
      }
    }
    return ordered;
  }

  /** The mean score over every example of a report, each example weighing the same. */
  private static double sampleMean(EvalReport report) {
    double sum = 0;
    long n = 0;
    for (List<Double> scores : report.itemScores().values()) {
      for (double s : scores) {
        sum += s;
        n++;
      }
    }
    return n == 0 ? 0 : sum / n;
  }

  /**
   * Accuracy and support per release, from a report's per-example scores: within a group, the scores are in the
   * order the examples were given (sample id order), so the i-th example of a group has the group's i-th score.
   */
  private record PerRelease(Map<String, Double> accuracy, Map<String, Long> support) {

    static PerRelease of(List<Example> ordered, EvalReport report, Map<String, String> releaseOf) {
      Map<String, Integer> next = new HashMap<>();
      Map<String, double[]> sums = new LinkedHashMap<>();
      for (Example e : ordered) {
        int i = next.merge(e.group(), 1, Integer::sum) - 1;
        String release = releaseOf.get(e.id());
        if (release != null) {
          double[] s = sums.computeIfAbsent(release, r -> new double[2]);
          s[0] += report.itemScores().get(e.group()).get(i);
          s[1]++;
        }
      }
      Map<String, Double> accuracy = new HashMap<>();
      Map<String, Long> support = new HashMap<>();
      sums.forEach((release, s) -> {
        accuracy.put(release, s[0] / s[1]);
        support.put(release, (long) s[1]);
      });
      return new PerRelease(accuracy, support);
    }
  }
}
