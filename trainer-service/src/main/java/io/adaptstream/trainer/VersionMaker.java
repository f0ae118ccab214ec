package io.adaptstream.trainer;

import io.adaptstream.avro.EvalResult;
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
 * arrays, which is what paired differences and bootstrap intervals over test samples need.
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
    TrainReport report = train.isEmpty() ? null : train(version, model, train, options);
    EvalResult evaluation = evaluate(version, model, tests);
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
    listener.onPhase(version, Phase.EVALUATING);
    long start = System.nanoTime();
    List<Example> ordered = new ArrayList<>(tests);
    ordered.sort(Comparator.comparing(Example::id));
    Set<String> ids = new HashSet<>();
    for (Example e : ordered) {
      if (!ids.add(e.id())) {
        throw new IllegalArgumentException("test sample " + e.id() + " is given twice");
      }
    }
    EvalResult.Builder result = EvalResult.newBuilder().setModel(modelName).setVersion(version);
    if (ordered.isEmpty()) {
      LOG.warn("version {}: no test samples; nothing to evaluate", version);
      result.setAccuracy(Map.of()).setSupport(Map.of()).setAvgAccuracy(0).setTestSamples(0)
          .setItemScores(Map.of());
    } else {
      EvalReport report = model.evaluate(ordered, evalBatchSize, Evaluator.DEFAULT_ANSWER_MARGIN);
      result.setAccuracy(new HashMap<>(report.accuracy())).setSupport(new HashMap<>(report.support()))
          .setAvgAccuracy(report.average()).setTestSamples(ordered.size())
          .setItemScores(new HashMap<>(report.itemScores()));
      Map<String, String> shown = new TreeMap<>();
      report.accuracy().forEach((g, a) -> shown.put(g, String.format("%.3f", a)));
      LOG.info("version {}: accuracy {}", version, shown);
    }
    return result.setEvalSeconds((System.nanoTime() - start) / 1e9).build();
  }
}
