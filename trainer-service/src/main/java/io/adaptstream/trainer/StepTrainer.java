package io.adaptstream.trainer;

import io.adaptstream.avro.IncomingEval;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.Sample;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.model.Example;
import io.adaptstream.model.TrainOptions;
import io.adaptstream.model.Learner;
import io.adaptstream.model.Learners;
import io.adaptstream.trainer.ExampleFactory.Conversion;
import io.adaptstream.trainer.IngestView.Located;
import io.adaptstream.trainer.StepAssembler.Selected;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's model work for one version at a time, with no Kafka in it: makes version 0 as {@code trainer.base}
 * says, and version {@code t} from version {@code t-1} and step {@code t}'s selected samples; converts samples to
 * examples (dropping the unusable ones and saying which), trains, evaluates and checkpoints through
 * {@link VersionMaker}, and keeps the newest published model in memory for the next step.
 *
 * <p>Why it is apart from {@link TrainerService}: the service decides <em>when</em> a version can be made (it reads
 * the step's selections and waits for the ingest log) and publishes it in a transaction; this class decides
 * <em>what</em> the version is. Tests drive it without a broker, and a version it makes is the same bytes (same
 * sha256) whoever calls it, because the inputs' order and the seeds are fixed here and in the config.
 *
 * <p>Before training version {@code t >= 1} (with {@code trainer.eval.transfer} on) it evaluates the model it
 * starts from, version {@code t-1}, and the base model, version 0 (loaded from its checkpoint for that evaluation
 * and closed right after; for step 1 the model in memory is version 0), on release {@code t}'s test samples alone:
 * what forward transfer needs, as the version's {@code incoming} evaluation. The model's weights and the step's
 * seeds are untouched by it, so the version is the same bytes with or without it.
 *
 * <p>Publishing is the caller's, through the {@link VersionSink} given to each call: the model made is kept in
 * memory only when the sink returns; when the sink (or anything before it) throws, the model is closed, nothing is
 * kept, and the next call loads the previous version again. Not thread-safe: one thread makes versions.
 *
 * @param <R> where a selected sample was read (a Kafka record in the service), carried back in {@link Rejected}
 *     so the caller can dead-letter it
 */
final class StepTrainer<R> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StepTrainer.class);

  /** A sample left out of training, with where it was read and why. */
  record Rejected<T>(T ref, String sampleId, String reason, String detail) {}

  /**
   * A version made and not yet published.
   *
   * @param made the version's records, training report and checkpoint
   * @param rejected the input samples left out of training, in input order
   * @param trainedSamples how many samples it was trained on
   */
  record Made<T>(VersionMaker.Result made, List<Rejected<T>> rejected, int trainedSamples) {

    int version() {
      return made.version().getVersion();
    }
  }

  /** Publishes a made version; returning means it is published, throwing means it is not. */
  @FunctionalInterface
  interface VersionSink<T> {
    void publish(Made<T> made);
  }

  private final TrainerConfig config;
  private final BlobStore blobs;
  private final ExampleFactory examples;
  private final VersionMaker maker;
  private final Runnable stopCheck;
  private final Map<String, Example> testExamples = new HashMap<>();
  private final Set<String> unusableTests = new HashSet<>();
  private ModelVersion latest;
  private ModelVersion base;
  private Learner current;
  private int currentVersion = -1;

  /**
   * @param config the model, device, seed, base and training settings (no client setting is read)
   * @param blobs where images, the base checkpoint and the checkpoints made are
   * @param listener told of training and evaluating; an exception it throws fails the version being made
   * @param stopCheck throws when the caller has been stopped; run before a version is made and before it is published
   * @param latest the newest published version, or null when there is none yet
   */
  StepTrainer(TrainerConfig config, BlobStore blobs, TrainerListener listener, Runnable stopCheck,
      ModelVersion latest) {
    this(config, blobs, listener, stopCheck, latest,
        latest != null && latest.getVersion() == 0 ? latest : null);
  }

  /**
   * @param base the published version 0, for the incoming evaluation of versions 2 and later; null when there is
   *     none yet (it is then the one {@link #makeBase} publishes) or it is not known (those evaluations then leave
   *     the base part empty)
   */
  StepTrainer(TrainerConfig config, BlobStore blobs, TrainerListener listener, Runnable stopCheck,
      ModelVersion latest, ModelVersion base) {
    this.config = Objects.requireNonNull(config, "config");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.stopCheck = Objects.requireNonNull(stopCheck, "stopCheck");
    this.examples = new ExampleFactory(blobs);
    this.maker = new VersionMaker(config.modelName(), blobs, config.evalBatchSize(), listener);
    this.latest = latest;
    if (base != null && base.getVersion() != 0) {
      throw new IllegalArgumentException("the base is version 0, got version " + base.getVersion());
    }
    this.base = base;
  }

  /** The newest version published through this trainer (or given to it), if any. */
  Optional<ModelVersion> latest() {
    return Optional.ofNullable(latest);
  }

  /**
   * Makes version 0 as {@code trainer.base} says (a new model, a checkpoint, or a new model pretrained on
   * {@code pretrain}), evaluates it on {@code tests} and hands it to {@code sink}.
   *
   * @param release the pretraining release's name (base {@code pretrain}), which the records name; null otherwise
   * @param pretrain the pretraining release's train samples in the order to train on (base {@code pretrain})
   */
  Made<Located> makeBase(String release, List<Located> pretrain, List<Located> tests, VersionSink<Located> sink)
      throws IOException {
    Learner model = null;
    try {
      List<Example> train = new ArrayList<>();
      List<Rejected<Located>> rejected = new ArrayList<>();
      switch (config.base()) {
        case RANDOM -> {
          model = Learners.create(config.learner(), config.modelConfig(), StepSeeds.initialWeights(config.seed()),
              config.device());
          LOG.info("version 0: a new untrained {} model ({} parameters)", model.kind(), model.parameterCount());
        }
        case CHECKPOINT -> {
          Path path = config.baseCheckpoint().orElseThrow();
          model = Checkpoints.load(path, config.learner(), blobs, config.device());
          LOG.info("version 0: loaded the checkpoint {} ({} parameters)", path, model.parameterCount());
        }
        case PRETRAIN -> {
          model = Learners.create(config.learner(), config.modelConfig(), StepSeeds.initialWeights(config.seed()),
              config.device());
          for (Located l : pretrain) {
            Sample s = l.sample();
            Conversion c = examples.convert(s, model);
            if (c.ok()) {
              train.add(c.example());
            } else {
              LOG.warn("pretraining sample {} (ingest partition {}, offset {}) is left out: {}: {}", s.getId(),
                  l.partition(), l.offset(), c.reason(), c.detail());
              rejected.add(new Rejected<>(l, s.getId(), c.reason(), c.detail()));
            }
          }
          if (train.isEmpty()) {
            LOG.warn("version 0: the pretraining release {} has no usable train sample; publishing the untrained "
                + "model", release);
          } else {
            LOG.info("version 0: pretraining a new model ({} parameters) on release {}", model.parameterCount(),
                release);
          }
        }
        default -> throw new IllegalStateException("unknown base " + config.base());
      }
      Made<Located> made = make(0, model, release, train, rejected, config.pretrainOptions(), tests, null, sink);
      base = made.made().version();
      return made;
    } catch (RuntimeException | IOException | Error e) {
      if (model != null) {
        model.close();
      }
      throw e;
    }
  }

  /**
   * Makes version {@code step} from version {@code step - 1} (the one in memory, else loaded from the blob store
   * and verified) fine-tuned on {@code selections} in their order with {@code trainer.*} step options, evaluates it
   * on {@code tests} and hands it to {@code sink}. With no usable selection the version keeps the weights of the
   * previous one. Before training, with {@code trainer.eval.transfer} on, versions {@code step - 1} and 0 are
   * evaluated on the test samples of {@code tests} that belong to {@code release}.
   *
   * @param release the step's task release, which the records name
   */
  Made<R> makeStep(int step, String release, List<Selected<R>> selections, List<Located> tests,
      VersionSink<R> sink) throws IOException {
    Learner model = previous(step - 1);
    try {
      List<Example> train = new ArrayList<>();
      List<Rejected<R>> rejected = new ArrayList<>();
      for (Selected<R> s : selections) {
        Conversion c = examples.convert(s.selection().getSample(), model);
        if (c.ok()) {
          train.add(c.example());
        } else {
          LOG.warn("step {}: selected sample {} is left out: {}: {}", step, s.selection().getSampleId(), c.reason(),
              c.detail());
          rejected.add(new Rejected<>(s.ref(), s.selection().getSampleId(), c.reason(), c.detail()));
        }
      }
      if (train.isEmpty()) {
        LOG.warn("step {}: nothing to train on; version {} keeps the weights of version {}", step, step, step - 1);
      }
      IncomingEval incoming = config.evalTransfer() ? incoming(step, release, model, tests) : null;
      return make(step, model, release, train, rejected, config.stepOptions(step), tests, incoming, sink);
    } catch (RuntimeException | IOException | Error e) {
      model.close();
      throw e;
    }
  }

  /** Closes the model kept in memory. */
  @Override
  public void close() {
    if (current != null) {
      current.close();
      current = null;
      currentVersion = -1;
    }
  }

  /**
   * Versions {@code step - 1} ({@code previous}) and 0 on release {@code step}'s test samples; version 0 is loaded
   * (and verified) for it and closed before returning, except at step 1, where {@code previous} is version 0.
   */
  private IncomingEval incoming(int step, String release, Learner previous, List<Located> tests) {
    stopCheck.run();
    List<Located> own = tests.stream().filter(l -> release.equals(l.sample().getRelease())).toList();
    List<Example> releaseTests = testExamples(previous, own);
    if (releaseTests.isEmpty() || step == 1) {
      return maker.evaluateIncoming(step, release, previous, previous, releaseTests, 0);
    }
    if (base == null) {
      LOG.warn("step {}: version 0 of {} is not known; the incoming evaluation has no base part", step,
          config.modelName());
      return maker.evaluateIncoming(step, release, previous, null, releaseTests, 0);
    }
    long start = System.nanoTime();
    try (Learner zero = Learners.load(config.learner(), blobs, base.getSha256(), base.getConfig(),
        config.device())) {
      double loadSeconds = (System.nanoTime() - start) / 1e9;
      return maker.evaluateIncoming(step, release, previous, zero, releaseTests, loadSeconds);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + TrainerService.versionKey(config.modelName(), 0)
          + " (sha256 " + base.getSha256() + ") from the blob store: " + e.getMessage(), e);
    }
  }

  /** Trains, evaluates, checkpoints and publishes; the model is kept in memory once published. */
  private <T> Made<T> make(int version, Learner model, String release, List<Example> train,
      List<Rejected<T>> rejected, TrainOptions options, List<Located> tests, IncomingEval incoming,
      VersionSink<T> sink) throws IOException {
    stopCheck.run();
    List<Example> testExamples = testExamples(model, tests);
    Map<String, String> releaseOf = new HashMap<>();
    for (Located l : tests) {
      releaseOf.put(l.sample().getId(), l.sample().getRelease());
    }
    VersionMaker.Result result = maker.make(version, release, model, train, options, testExamples, releaseOf,
        incoming);
    Made<T> made = new Made<>(result, List.copyOf(rejected), train.size());
    stopCheck.run();
    sink.publish(made);
    latest = result.version();
    current = model;
    currentVersion = version;
    return made;
  }

  /** Version {@code version} to train on: the one in memory when it is exactly that, else loaded (verified). */
  private Learner previous(int version) {
    if (current != null && currentVersion == version) {
      Learner m = current;
      current = null;
      currentVersion = -1;
      return m;
    }
    close();
    String key = TrainerService.versionKey(config.modelName(), version);
    if (latest == null || latest.getVersion() != version) {
      throw new IllegalStateException("version " + version + " of " + config.modelName()
          + " is not the latest published");
    }
    LOG.info("loading {} from {}", key, latest.getUri());
    try {
      return Learners.load(config.learner(), blobs, latest.getSha256(), latest.getConfig(), config.device());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + key + " (sha256 " + latest.getSha256()
          + ") from the blob store: " + e.getMessage(), e);
    }
  }

  /** Test examples for these samples, converted once per trainer; unusable ones are left out (and said so once). */
  private List<Example> testExamples(Learner model, List<Located> samples) {
    List<Example> out = new ArrayList<>(samples.size());
    for (Located l : samples) {
      String id = l.sample().getId();
      if (unusableTests.contains(id)) {
        continue;
      }
      Example e = testExamples.get(id);
      if (e == null) {
        Conversion c = examples.convert(l.sample(), model);
        if (!c.ok()) {
          unusableTests.add(id);
          LOG.warn("test sample {} of release {} (ingest partition {}, offset {}) is left out of evaluation: {}: {}",
              id, l.sample().getRelease(), l.partition(), l.offset(), c.reason(), c.detail());
          continue;
        }
        e = c.example();
        testExamples.put(id, e);
      }
      out.add(e);
    }
    return out;
  }
}
