package io.adaptstream.cli.run.demo;

import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.Release;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.cli.run.RunTopics;
import io.adaptstream.cli.run.RunTopics.Stamped;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.Pipeline;
import io.adaptstream.cli.run.continual.ContinualMetrics;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.ingest.IngestJob;
import io.adaptstream.ingest.IngestListener;
import io.adaptstream.ingest.IngestResult;
import io.adaptstream.ingest.PublishRequest;
import io.adaptstream.model.LearnerConfig;
import io.adaptstream.runtime.ReleaseTable;
import io.adaptstream.schemas.Backoff;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.selector.query.ClusterView;
import io.adaptstream.selector.query.SelectionView;
import io.adaptstream.selector.query.SelectorClient;
import io.adaptstream.selector.query.SelectorClient.SelectorClientException;
import io.adaptstream.selector.query.StepView;
import io.adaptstream.trainer.TrainerConfig;
import io.github.resilience4j.retry.Retry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The project's main job: one whole lifelong-learning run through all four services. It publishes the pretraining
 * release and the task releases (through {@link IngestJob}, as {@code adapt publish} does) while the selector,
 * the scoring worker and the trainer of the run process them step by step, each service with its own Kafka
 * clients; it reports progress from the selector's interactive queries and the run's {@code models}/{@code evals}
 * topics, and once the last step's model version is evaluated it stops the services and returns the
 * {@link DemoResult}.
 *
 * <p>Sources and sinks are injected: where it runs ({@link Deployment}), the releases ({@link DemoData}: files to
 * publish, or releases the log already holds for a replay), what decides the run ({@link PipelineSettings}) and
 * where progress lines go ({@link DemoProgress}). Writing files is the caller's business ({@link DemoReport}).
 */
public final class DemoJob {

  /** How long the job waits without any progress before it gives up. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(15);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SCORE_LINE_EVERY = Duration.ofSeconds(10);
  /** How long the run waits, after the last version is out, for the selector to report its last step done. */
  private static final Duration LAST_STEP_GRACE = Duration.ofSeconds(15);
  private static final Logger LOG = LoggerFactory.getLogger(DemoJob.class);
  /** Pauses of 250 ms doubling up to 2 s, about 10 s in all, between queries the selector cannot answer yet. */
  private static final Retry SELECTOR_QUERY =
      Backoff.within(Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofSeconds(10))
          .retry("asking the selector", SelectorClientException.class::isInstance, LOG, Level.INFO);

  private final ServiceLauncher launcher;
  private final Deployment deployment;
  private final PipelineSettings settings;
  private final DemoData data;
  private final Path workDir;
  private final DemoProgress progress;
  private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
  private BiConsumer<String, AutoCloseable> onServicesStarted = (name, handle) -> {};
  private Consumer<URI> onSelector = url -> {};

  /**
   * @param workDir where the run's local state goes (the selector's state store)
   */
  public DemoJob(ServiceLauncher launcher, Deployment deployment, PipelineSettings settings, DemoData data,
      Path workDir, DemoProgress progress) {
    this.launcher = Objects.requireNonNull(launcher, "launcher");
    this.deployment = Objects.requireNonNull(deployment, "deployment");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.data = Objects.requireNonNull(data, "data");
    this.workDir = Objects.requireNonNull(workDir, "workDir");
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /** How long to wait without progress before failing (default {@link #DEFAULT_STALL_TIMEOUT}). */
  public DemoJob stallTimeout(Duration timeout) {
    this.stallTimeout = timeout;
    return this;
  }

  /**
   * Tells {@code hook} about the running services as soon as they run, e.g. so that local mode stops them before
   * its broker when it is interrupted.
   */
  public DemoJob onServicesStarted(BiConsumer<String, AutoCloseable> hook) {
    this.onServicesStarted = Objects.requireNonNull(hook, "hook");
    return this;
  }

  /**
   * Tells {@code hook} where the run's selector answers interactive queries as soon as it does (e.g. so that a
   * dashboard started before the services can follow the run).
   */
  public DemoJob onSelector(Consumer<URI> hook) {
    this.onSelector = Objects.requireNonNull(hook, "hook");
    return this;
  }

  /** Runs the whole job; the services are stopped when it returns or fails. */
  public DemoResult run() throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(workDir);
    int steps = data.steps();
    String model = settings.value(TrainerConfig.MODEL_NAME);
    String kind = settings.value(LearnerConfig.KIND);
    String learner = LearnerConfig.Kind.parse(kind) == LearnerConfig.Kind.BUILTIN ? "the built-in model"
        : kind + " model " + settings.value(LearnerConfig.PATH);
    progress.line(String.format(Locale.ROOT, "run %s: method %s, seed %d, %d steps, %s mode, %s", settings.runId(),
        settings.method(), settings.seed(), steps, settings.deterministic() ? "deterministic" : "fast", learner));
    if (!data.publish()) {
      checkPublished();
    }
    TrainerProgress trainer = new TrainerProgress(positive(TrainerConfig.STEPS),
        positive(TrainerConfig.PRETRAIN_STEPS));
    try (Pipeline pipeline = Pipeline.start(launcher, deployment, settings, workDir, Pipeline.STEP_SERVICES, trainer);
        RunTopics topics = new RunTopics(deployment, settings.runId(), model)) {
      SelectorClient selector = new SelectorClient(pipeline.selectorUrl().orElseThrow(
          () -> new IllegalStateException("the selector's query server is off; the demo needs it")),
          Duration.ofSeconds(15));
      onServicesStarted.accept("services of run " + settings.runId(), pipeline);
      onSelector.accept(pipeline.selectorUrl().get());
      progress.line("services started (selector queries at " + pipeline.selectorUrl().get()
          + pipeline.metricsUrl().map(u -> ", metrics at " + u).orElse("") + ")");
      Publisher publisher = data.publish() ? Publisher.start(deployment, data, progress) : null;
      try {
        Monitor monitor = new Monitor(selector, topics, trainer, steps);
        monitor.await(pipeline, publisher);
        return collect(selector, topics, steps, (System.nanoTime() - t0) / 1e9);
      } finally {
        if (publisher != null) {
          publisher.stop();
        }
        progress.line("stopping the services ...");
      }
    }
  }

  /** Whether the run's integer setting {@code key} is above 0 (validated by the settings already). */
  private boolean positive(String key) {
    String v = settings.value(key);
    return v != null && Integer.parseInt(v.trim()) > 0;
  }

  /** A replay needs every release of the run sealed in the log, in the recorded order. */
  private void checkPublished() {
    ReleaseTable table = ReleaseTable.read(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
        deployment.bootstrapServers()), deployment.catalogue(TopicCatalogue.DEFAULT_RUN).releases,
        deployment.serdes().deserializer(Release.class), READ_TIMEOUT);
    List<String> missing = new ArrayList<>();
    if (data.pretrainRelease() != null && !table.sealedAs(data.pretrainRelease(), 0)) {
      missing.add(data.pretrainRelease() + " (sequence 0)");
    }
    List<String> tasks = data.taskReleases();
    for (int i = 0; i < tasks.size(); i++) {
      if (!table.sealedAs(tasks.get(i), i + 1)) {
        missing.add(tasks.get(i) + " (sequence " + (i + 1) + ")");
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("the ingest log does not hold the run's releases as recorded: missing or "
          + "sealed differently: " + String.join(", ", missing));
    }
    progress.line("the ingest log holds all " + data.releases().size() + " releases; re-running from offset 0");
  }

  /**
   * Asks the selector, again after a pause while it cannot answer (a rebalance moves its stores; a query waits at
   * most 10 s on its side before it says so).
   */
  private static <T> T ask(Supplier<T> query) {
    return SELECTOR_QUERY.executeSupplier(query);
  }

  private DemoResult collect(SelectorClient selector, RunTopics topics, int steps, double seconds)
      throws InterruptedException {
    List<DemoResult.Step> out = new ArrayList<>();
    Stamped<ModelVersion> base = topics.models().get(0);
    EvalResult baseEval = topics.evals().get(0);
    out.add(new DemoResult.Step(0, Objects.toString(base.value().getRelease(), "-"), 0, 0, 0, 0, List.of(),
        accuracy(baseEval), baseEval.getAvgAccuracy(), new DemoResult.Seconds(0, 0, round(
            base.value().getTrainSeconds() + baseEval.getEvalSeconds()), round(baseEval.getEvalSeconds())),
        base.value().getTrainedSamples(),
        base.value().getSha256(), List.of(), testScores(baseEval), base.value().getOptimizerSteps(),
        base.value().getSamplePasses(), null, null));
    for (int t = 1; t <= steps; t++) {
      int step = t;
      StepView v = ask(() -> selector.step(step)).orElseThrow();
      Stamped<ModelVersion> m = topics.models().get(t);
      EvalResult e = topics.evals().get(t);
      List<DemoResult.Cluster> clusters = new ArrayList<>();
      for (ClusterView c : ask(() -> selector.clusters(step))) {
        clusters.add(new DemoResult.Cluster(c.cluster(), orZero(c.size()), Objects.toString(c.scorer(), "-"),
            orZero(c.selected()), orZero(c.pruned()), c.skills() == null ? Map.of() : c.skills()));
      }
      List<String> ids = ask(() -> selector.selections(step)).stream().map(SelectionView::sampleId).sorted()
          .toList();
      DemoResult.Seconds secs = new DemoResult.Seconds(
          between(v.requestedAtMs(), v.scoresCompleteAtMs()),
          between(v.scoresCompleteAtMs(), v.selectionDoneAtMs()),
          between(v.selectionDoneAtMs(), m.timestampMs()), round(e.getEvalSeconds()),
          e.getIncoming() == null ? null : round(e.getIncoming().getEvalSeconds()));
      out.add(new DemoResult.Step(t, v.release(), v.poolSize(), v.fresh(), v.selected(), v.pruned(), clusters,
          accuracy(e), e.getAvgAccuracy(), secs, m.value().getTrainedSamples(), m.value().getSha256(), ids,
          testScores(e), m.value().getOptimizerSteps(), m.value().getSamplePasses(), v.prunedFresh(),
          pickPercentile(v)));
    }
    List<Map<String, Double>> perStep = out.stream().map(DemoResult.Step::accuracy).toList();
    return new DemoResult(settings.runId(), settings.method(), settings.seed(), out,
        out.get(out.size() - 1).avgAccuracy(), DemoResult.forgetting(perStep), round(seconds),
        ContinualMetrics.ofRecords(topics.evals(), steps).orElse(null));
  }


  /** An evaluation's accuracy per skill (its release where samples have no skill label), as results.json keys it. */
  public static Map<String, Double> accuracy(EvalResult e) {
    Map<String, Double> m = new HashMap<>();
    e.getAccuracy().forEach((k, v) -> m.put(k.toString(), v));
    return m;
  }

  /**
   * The per-test-sample scores of an evaluation, per skill (the evaluation's groups, the keys of
   * {@link #accuracy}), as {@code results.json} records them.
   */
  public static Map<String, List<Double>> testScores(EvalResult e) {
    Map<String, List<Double>> m = new HashMap<>();
    e.getItemScores().forEach((k, v) -> m.put(k.toString(), List.copyOf(v)));
    return m;
  }

  /**
   * The mean score percentile (0..100) of a step's CCS picks within their clusters, from the selector's sum of
   * percentile ranks (0..1) and their count; null when the step had no CCS picks.
   */
  public static Double pickPercentile(StepView v) {
    return v.pickPercentileCount() == 0 ? null : 100.0 * v.pickPercentileSum() / v.pickPercentileCount();
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  private static double between(long fromMs, long toMs) {
    return fromMs < 0 || toMs < 0 ? 0 : round(Math.max(0, toMs - fromMs) / 1000.0);
  }

  /**
   * Seconds as {@code results.json} records them: to the millisecond, the resolution of the record timestamps the
   * phases are measured between (a tenth made a short phase 0 and its overhead ratio meaningless).
   */
  public static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  /** Publishes the releases in order on its own thread, as {@code adapt publish} would, one after another. */
  private static final class Publisher {
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile IngestJob job;

    private Publisher(Deployment deployment, DemoData data, DemoProgress progress) {
      this.thread = new Thread(() -> {
        try (IngestJob j = new IngestJob(deployment.ingestConfig(),
            BlobStore.at(deployment.requireBlobStore().toString()))) {
          job = j;
          for (DemoData.Release r : data.releases()) {
            IngestResult result = j.publish(new PublishRequest(r.name(), r.file(), null, r.imageRoot(), r.role()),
                IngestListener.NONE);
            progress.line(result.alreadySealed()
                ? "release " + r.name() + " was already published (sequence " + result.sequence() + ")"
                : String.format(Locale.ROOT, "published %s (sequence %d): %d samples, %d duplicates, %d rejected",
                    r.name(), result.sequence(), result.accepted(), result.duplicates(), result.rejectedTotal()));
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      }, "demo-publisher");
    }

    static Publisher start(Deployment deployment, DemoData data, DemoProgress progress) {
      Publisher p = new Publisher(deployment, data, progress);
      p.thread.start();
      return p;
    }

    void check() {
      Throwable t = failure.get();
      if (t != null) {
        throw new IllegalStateException("publishing failed: " + t.getMessage(), t);
      }
    }

    void stop() throws InterruptedException {
      IngestJob j = job;
      if (j != null && thread.isAlive()) {
        j.cancel();
      }
      thread.join(Duration.ofSeconds(60).toMillis());
    }
  }

  /** Watches the run and prints a line whenever something moved; returns when the last version is evaluated. */
  private final class Monitor {
    private final SelectorClient selector;
    private final RunTopics topics;
    private final TrainerProgress trainer;
    private final int steps;
    private final Map<Integer, String> stepState = new HashMap<>();
    private final Map<Integer, Long> scoreLineAt = new HashMap<>();
    private int modelsShown = -1;
    private String trainerState = "";
    private long lastProgress = System.nanoTime();
    private String waitingFor = "the services";
    private long finishedAt = -1;

    Monitor(SelectorClient selector, RunTopics topics, TrainerProgress trainer, int steps) {
      this.selector = selector;
      this.topics = topics;
      this.trainer = trainer;
      this.steps = steps;
    }

    void await(Pipeline pipeline, Publisher publisher) throws InterruptedException {
      while (true) {
        pipeline.checkRunning();
        if (publisher != null) {
          publisher.check();
        }
        topics.poll(POLL);
        boolean moved = steps() | models() | trainer();
        if (moved) {
          lastProgress = System.nanoTime();
        }
        if (topics.evals().containsKey(steps) && topics.models().containsKey(steps)) {
          // The selector's step status follows its selections through a topic, so the last step's "done" can
          // arrive after the trainer has already published the last version: wait for it a little.
          long now = System.nanoTime();
          if (finishedAt < 0) {
            finishedAt = now;
          }
          if (lastStepShown() || now - finishedAt > LAST_STEP_GRACE.toNanos()) {
            return;
          }
        }
        if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
          throw new IllegalStateException("no progress for " + stallTimeout.toMinutes() + " min while waiting for "
              + waitingFor);
        }
      }
    }

    private boolean lastStepShown() {
      return steps < 1 || stepState.getOrDefault(steps, "").startsWith("done/");
    }

    private boolean steps() {
      List<StepView> views;
      try {
        views = selector.steps();
      } catch (SelectorClientException e) {
        return false; // a rebalance or a slow answer: ask again next round
      }
      boolean moved = false;
      for (StepView v : views) {
        String state = v.phase() + "/" + v.scores() + "/" + v.selected();
        if (state.equals(stepState.get(v.step()))) {
          continue;
        }
        String previousPhase = stepState.containsKey(v.step()) ? stepState.get(v.step()).split("/")[0] : "";
        stepState.put(v.step(), state);
        moved = true;
        if (!v.phase().equals(previousPhase)) {
          progress.line(describe(v));
          waitingFor = "step " + v.step() + " (" + v.phase() + ")";
        } else if ("requested".equals(v.phase()) && v.scores() > 0) {
          long now = System.nanoTime();
          if (now - scoreLineAt.getOrDefault(v.step(), 0L) > SCORE_LINE_EVERY.toNanos()) {
            scoreLineAt.put(v.step(), now);
            progress.line(String.format(Locale.ROOT, "step %d: scoring, %d of %d scored", v.step(), v.scores(),
                v.poolSize()));
          }
        }
      }
      return moved;
    }

    private String describe(StepView v) {
      return switch (v.phase()) {
        case "started" -> String.format(Locale.ROOT, "step %d (%s): started with model v%d", v.step(), v.release(),
            v.modelVersion());
        case "requested" -> String.format(Locale.ROOT, "step %d: scoring the pool of %d (%d fresh)", v.step(),
            v.poolSize(), v.fresh());
        case "scored" -> String.format(Locale.ROOT, "step %d: %d scored in %.1f s; clustering", v.step(), v.scores(),
            between(v.requestedAtMs(), v.scoresCompleteAtMs()));
        case "fitted" -> String.format(Locale.ROOT, "step %d: %d clusters fitted; selecting", v.step(), v.clusters());
        case "done" -> String.format(Locale.ROOT, "step %d: selected %d of %d, pruned %d; clusters %s", v.step(),
            v.selected(), v.poolSize(), v.pruned(), clusters(v.step()));
        default -> "step " + v.step() + ": " + v.phase();
      };
    }

    /** Deployments as {@code id:size/scorer}, e.g. {@code 0:52/el2n 1:47/entropy}. */
    private String clusters(int step) {
      try {
        return selector.clusters(step).stream()
            .map(c -> c.cluster() + ":" + orZero(c.size()) + "/" + Objects.toString(c.scorer(), "?"))
            .collect(Collectors.joining(" "));
      } catch (SelectorClientException e) {
        return "(not available: " + e.getMessage() + ")";
      }
    }

    private boolean models() {
      boolean moved = false;
      while (topics.evals().containsKey(modelsShown + 1) && topics.models().containsKey(modelsShown + 1)) {
        modelsShown++;
        ModelVersion m = topics.models().get(modelsShown).value();
        EvalResult e = topics.evals().get(modelsShown);
        progress.line(String.format(Locale.ROOT, "model v%d (%s, %d samples trained): accuracy %.3f over %d skills",
            modelsShown, Objects.toString(m.getRelease(), "-"), m.getTrainedSamples(), e.getAvgAccuracy(),
            e.getAccuracy().size()));
        waitingFor = modelsShown < steps ? "step " + (modelsShown + 1) : "the end";
        moved = true;
      }
      return moved;
    }

    private boolean trainer() {
      String state = trainer.describe();
      if (state.equals(trainerState)) {
        return false;
      }
      trainerState = state;
      if (!state.isEmpty()) {
        progress.line(state);
        waitingFor = state;
      }
      return true;
    }
  }
}
