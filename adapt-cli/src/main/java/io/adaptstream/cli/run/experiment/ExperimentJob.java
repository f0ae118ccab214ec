package io.adaptstream.cli.run.experiment;

import io.adaptstream.blob.BlobStore;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.run.demo.DemoData;
import io.adaptstream.cli.run.demo.DemoJob;
import io.adaptstream.cli.run.demo.DemoProgress;
import io.adaptstream.cli.run.demo.DemoReport;
import io.adaptstream.cli.run.demo.DemoResult;
import io.adaptstream.cli.run.demo.Protocol;
import io.adaptstream.cli.run.demo.RunRecord;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.selector.algo.SelectionPolicy;
import io.adaptstream.trainer.Checkpoints;
import io.adaptstream.trainer.TrainerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Every method of a comparison through the real pipeline, on exactly the same data. Per seed, the releases are
 * published once into that seed's deployment (its ingest log); each method is then a run of its own ({@link DemoJob},
 * own run id, so own Kafka Streams application and derived topics) over that same log. The base model v0 is trained
 * once per seed, by the seed's first run, exported as a checkpoint and loaded by the seed's other runs
 * ({@code trainer.base=checkpoint}), so the methods differ only in what they select.
 *
 * <p>A run whose {@code results.json} already exists is skipped, so an interrupted table resumes where it stopped;
 * an interrupted run is started again under a new run id (its half-written topics are left alone).
 */
public final class ExperimentJob {

  /** Where each seed's runs happen: a deployment (local mode in the command, the test broker in tests). */
  @FunctionalInterface
  public interface Deployments {
    Lease open(long seed, Path seedDir) throws Exception;
  }

  /**
   * A seed's deployment for the length of its runs.
   *
   * @param attach makes a run's services stop before the deployment on Ctrl-C
   * @param localDir the local-mode directory recorded in each run's {@code run.json} (null when none)
   * @param release what to do when the seed's runs are done (stop local mode)
   */
  public record Lease(Deployment deployment, BiConsumer<String, AutoCloseable> attach, Path localDir,
      AutoCloseable release) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      release.close();
    }
  }

  /** The releases of a seed, still to publish. */
  @FunctionalInterface
  public interface Source {
    DemoData data(long seed, Path seedDir) throws IOException;

    /**
     * The directory of the generated benchmark the seed's releases come from, when it has annotations
     * ({@link BenchmarkAnnotations#locate}); empty for releases without (a user's own), whose diagnostics then
     * skip the selection shares. Called after the runs, so the data exists.
     */
    default Optional<Path> benchmark(long seed, Path seedDir) {
      return Optional.empty();
    }
  }

  /** One finished (or earlier finished) run of the table. */
  public record Outcome(String method, long seed, String runId, Path runDir, boolean skipped) {}

  public static final String RUNS_DIR = "runs";
  public static final String SEEDS_DIR = "seeds";
  public static final String BASE_MODEL_DIR = "base-model";

  private final ServiceLauncher launcher;
  private final Deployments deployments;
  private final Source source;
  private final List<String> methods;
  private final List<Long> seeds;
  private final boolean deterministic;
  private final Map<String, String> overrides;
  private final String sizeLabel;
  private final Path dir;
  private final DemoProgress progress;
  private Protocol.Compute compute;

  /**
   * @param sizeLabel what {@code run.json} records as the data's size (QUICK, FULL, custom)
   * @param dir the experiment's directory: {@code runs/<run id>/} and {@code seeds/<seed>/} go there
   */
  public ExperimentJob(ServiceLauncher launcher, Deployments deployments, Source source, List<String> methods,
      List<Long> seeds, boolean deterministic, Map<String, String> overrides, String sizeLabel, Path dir,
      DemoProgress progress) {
    this.launcher = Objects.requireNonNull(launcher, "launcher");
    this.deployments = Objects.requireNonNull(deployments, "deployments");
    this.source = Objects.requireNonNull(source, "source");
    this.methods = methods.stream().map(m -> JointFit.METHOD.equalsIgnoreCase(m.trim()) ? JointFit.METHOD
        : SelectionPolicy.byName(m).name()).distinct().toList();
    this.seeds = List.copyOf(seeds);
    this.deterministic = deterministic;
    this.overrides = Map.copyOf(overrides);
    this.sizeLabel = Objects.requireNonNull(sizeLabel, "sizeLabel");
    this.dir = dir.toAbsolutePath().normalize();
    this.progress = Objects.requireNonNull(progress, "progress");
    if (this.methods.isEmpty() || this.seeds.isEmpty()) {
      throw new IllegalArgumentException("an experiment needs at least one method and one seed");
    }
    if (this.methods.contains(JointFit.METHOD)) {
      checkJoint(this.methods, this.overrides);
    }
  }

  /** The compute mode the overrides come from, recorded in each run's {@code run.json} (default: not recorded). */
  public ExperimentJob compute(Protocol.Compute mode) {
    this.compute = mode;
    return this;
  }

  /**
   * Refuses a joint reference that cannot run: it needs a pipeline method (whose first run exports the seed's
   * base model), a shared base model ({@code trainer.base} not overridden) and steps mode ({@code trainer.steps}
   * above 0: its compute is T times that).
   */
  public static void checkJoint(List<String> methods, Map<String, String> overrides) {
    if (methods.stream().allMatch(JointFit.METHOD::equals)) {
      throw new IllegalArgumentException("the joint reference needs at least one pipeline method: the seed's first "
          + "run trains the base model it starts from");
    }
    if (overrides.containsKey(TrainerConfig.BASE)) {
      throw new IllegalArgumentException("the joint reference starts from the seed's shared base model, which "
          + TrainerConfig.BASE + "=" + overrides.get(TrainerConfig.BASE) + " turns off");
    }
    // the trainer's own default where the overrides leave it (any pipeline method: the trainer's keys are its own)
    String method = methods.stream().filter(m -> !m.equals(JointFit.METHOD)).findFirst().orElseThrow();
    String steps = new PipelineSettings("joint-check", method, 0, true, overrides).value(TrainerConfig.STEPS);
    if (Integer.parseInt(steps.trim()) <= 0) {
      throw new IllegalArgumentException("the joint reference needs equal compute (" + TrainerConfig.STEPS
          + " above 0), not epochs");
    }
  }

  /** Per seed, the generated benchmark with annotations its runs used ({@link Source#benchmark}). */
  public Map<Long, Path> benchmarks() {
    Map<Long, Path> out = new LinkedHashMap<>();
    for (long seed : seeds) {
      source.benchmark(seed, dir.resolve(SEEDS_DIR).resolve(Long.toString(seed))).ifPresent(p -> out.put(seed, p));
    }
    return out;
  }

  /** The run id of {@code method} at {@code seed}, before any retry suffix. */
  public static String runId(String method, long seed) {
    return RunName.first(method, seed).id();
  }

  /** Runs what is missing, seed by seed; returns every run of the table, the skipped ones included. */
  public List<Outcome> run() throws Exception {
    List<Outcome> out = new ArrayList<>();
    int total = methods.size() * seeds.size();
    int index = 0;
    int ran = 0;
    double ranSeconds = 0;
    for (long seed : seeds) {
      Path seedDir = dir.resolve(SEEDS_DIR).resolve(Long.toString(seed));
      Map<String, Slot> slots = new LinkedHashMap<>();
      for (String method : methods) {
        slots.put(method, slot(method, seed));
      }
      for (Slot s : slots.values()) {
        if (s.done) {
          index++;
          progress.line(String.format(Locale.ROOT, "run %d/%d: %s, seed %d: already done (%s), skipped", index,
              total, s.method, seed, dir.relativize(s.runDir.resolve(DemoReport.RESULTS))));
          out.add(new Outcome(s.method, seed, s.runId, s.runDir, true));
        }
      }
      if (slots.values().stream().allMatch(s -> s.done)) {
        continue;
      }
      DemoData data = source.data(seed, seedDir);
      Path baseDir = seedDir.resolve(BASE_MODEL_DIR);
      boolean shareBase = !overrides.containsKey(TrainerConfig.BASE);
      try (Lease lease = deployments.open(seed, seedDir)) {
        boolean published = false;
        String baseSha = null;
        for (Slot s : slots.values()) {
          if (s.done || s.method.equals(JointFit.METHOD)) {
            continue;
          }
          index++;
          int remaining = total - index + 1;
          String eta = ran == 0 ? "ETA after the first run"
              : String.format(Locale.ROOT, "ETA %s for %d runs left (%.0f s per run so far)",
                  minutes(ranSeconds / ran * remaining), remaining, ranSeconds / ran);
          Map<String, String> runOverrides = new LinkedHashMap<>(overrides);
          boolean fromCheckpoint = shareBase && Files.isRegularFile(baseDir.resolve(Checkpoints.PARAMS_FILE));
          if (fromCheckpoint) {
            runOverrides.put(TrainerConfig.BASE, "checkpoint");
            runOverrides.put(TrainerConfig.BASE_CHECKPOINT, baseDir.toString());
          }
          progress.line(String.format(Locale.ROOT, "run %d/%d: %s, seed %d (run id %s, base model %s); %s", index,
              total, s.method, seed, s.runId, fromCheckpoint ? "v0 loaded from " + dir.relativize(baseDir)
                  : "v0 trained by this run", eta));
          PipelineSettings settings = new PipelineSettings(s.runId, s.method, seed, deterministic, runOverrides);
          String tag = "[" + s.method + " s" + seed + "] ";
          DemoResult result = new DemoJob(launcher, lease.deployment(), settings,
              published ? data.asPublished() : data, s.runDir, line -> progress.line(tag + line))
              .onServicesStarted(lease.attach()).run();
          published = true;
          RunRecord record = record(s, seed, data, lease, settings.overrides(),
              RunRecord.services(settings, lease.deployment(), s.runDir));
          DemoReport.write(result, record, s.runDir);
          String sha = result.steps().get(0).modelSha256();
          if (shareBase && !fromCheckpoint) {
            String config = new TrainerConfig(settings.service(ServiceLauncher.TRAINER, lease.deployment(), s.runDir))
                .modelConfig().toJson();
            Checkpoints.export(BlobStore.at(lease.deployment().requireBlobStore().toString()), sha, config, baseDir);
            progress.line("base model v0 (sha256 " + sha.substring(0, 12) + ") exported to "
                + dir.relativize(baseDir) + "; the other runs of seed " + seed + " load it");
          }
          if (baseSha != null && !baseSha.equals(sha)) {
            progress.line("warning: run " + s.runId + " started from another v0 (sha256 " + sha + ") than the "
                + "seed's first run (" + baseSha + ")");
          }
          baseSha = baseSha == null ? sha : baseSha;
          ran++;
          ranSeconds += result.seconds();
          progress.line(String.format(Locale.ROOT, "run %d/%d: %s, seed %d done in %.0f s: final average accuracy "
              + "%.3f, forgetting %.3f", index, total, s.method, seed, result.seconds(), result.finalAvgAccuracy(),
              result.forgetting()));
          out.add(new Outcome(s.method, seed, s.runId, s.runDir, false));
        }
        Slot joint = slots.get(JointFit.METHOD);
        if (joint != null && !joint.done) {
          index++;
          DemoResult result = joint(joint, seed, slots, data, baseDir, lease, index, total);
          ran++;
          ranSeconds += result.seconds();
          out.add(new Outcome(joint.method, seed, joint.runId, joint.runDir, false));
        }
      }
    }
    // table order: methods as given, then seeds
    List<Outcome> ordered = new ArrayList<>();
    for (String m : methods) {
      out.stream().filter(o -> o.method().equals(m)).sorted((a, b) -> Long.compare(a.seed(), b.seed()))
          .forEach(ordered::add);
    }
    return ordered;
  }

  /**
   * The joint reference of a seed ({@link JointFit}), once the seed's pipeline runs are done: from the base model
   * they exported, on the samples of the seed's ingest log, its step 0 copied from the seed's first pipeline run.
   */
  private DemoResult joint(Slot slot, long seed, Map<String, Slot> slots, DemoData data, Path baseDir, Lease lease,
      int index, int total) throws Exception {
    Slot first = slots.values().stream().filter(s -> !s.method.equals(JointFit.METHOD)).findFirst().orElseThrow();
    DemoResult.Step baseStep = DemoReport.readResults(first.runDir).steps().get(0);
    int releases = data.taskReleases().size();
    progress.line(String.format(Locale.ROOT, "run %d/%d: %s, seed %d (run id %s): one fit from v0 (%s) on the "
        + "train samples of all %d task releases, %d x %s optimizer steps", index, total, slot.method, seed,
        slot.runId, dir.relativize(baseDir), releases, releases, overrides.get(TrainerConfig.STEPS)));
    // the trainer's settings of the seed's runs; the policy is not the trainer's business, so any method does
    PipelineSettings settings = new PipelineSettings(slot.runId, first.method, seed, deterministic, overrides);
    String tag = "[" + slot.method + " s" + seed + "] ";
    DemoResult result = JointFit.run(lease.deployment(), settings, slot.runDir, baseDir, data.pretrainRelease(),
        data.taskReleases(), baseStep, line -> progress.line(tag + line));
    Map<String, String> recorded = new LinkedHashMap<>(overrides);
    recorded.put(TrainerConfig.BASE, "checkpoint");
    recorded.put(TrainerConfig.BASE_CHECKPOINT, baseDir.toString());
    RunRecord record = record(slot, seed, data, lease, recorded, Map.of(ServiceLauncher.TRAINER,
        new TreeMap<>(settings.service(ServiceLauncher.TRAINER, lease.deployment(), slot.runDir))));
    DemoReport.write(result, record, slot.runDir);
    progress.line(String.format(Locale.ROOT, "run %d/%d: %s, seed %d done in %.0f s: final average accuracy %.3f "
        + "(%d optimizer steps)", index, total, slot.method, seed, result.seconds(), result.finalAvgAccuracy(),
        result.steps().get(1).optimizerSteps()));
    return result;
  }

  /** The {@code run.json} of {@code slot}: this experiment's data, size, mode and compute, the run's own settings. */
  private RunRecord record(Slot slot, long seed, DemoData data, Lease lease, Map<String, String> overrides,
      Map<String, Map<String, String>> services) {
    return new RunRecord(slot.runId, slot.method, seed, sizeLabel, deterministic,
        data.releases().stream().filter(r -> r.file() != null).findFirst()
            .map(r -> r.file().toAbsolutePath().getParent().toString()).orElse(""),
        lease.localDir() == null ? "" : lease.localDir().toString(), data.pretrainRelease(), data.taskReleases(),
        overrides, null, Instant.now().toString(), services, compute == null ? null : compute.label());
  }

  private record Slot(String method, String runId, Path runDir, boolean done) {}

  /**
   * The run of {@code method} at {@code seed}: the first of {@code <id>}, {@code <id>-2}, ... that either holds
   * a {@code results.json} (done) or does not exist yet (to run).
   */
  private Slot slot(String method, long seed) {
    for (RunName name = RunName.first(method, seed); ; name = name.next()) {
      Path runDir = dir.resolve(RUNS_DIR).resolve(name.id());
      if (Files.isRegularFile(runDir.resolve(DemoReport.RESULTS))) {
        return new Slot(method, name.id(), runDir, true);
      }
      if (!Files.exists(runDir)) {
        return new Slot(method, name.id(), runDir, false);
      }
      // an interrupted attempt: its topics and state are half-written, so the next id runs afresh
    }
  }

  private static String minutes(double seconds) {
    long s = Math.round(seconds);
    return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
  }
}
