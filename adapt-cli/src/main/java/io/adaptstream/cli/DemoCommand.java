package io.adaptstream.cli;

import io.adaptstream.benchmark.Size;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.run.demo.DemoData;
import io.adaptstream.cli.run.demo.DemoJob;
import io.adaptstream.cli.run.demo.DemoProgress;
import io.adaptstream.cli.run.demo.DemoReport;
import io.adaptstream.cli.run.demo.DemoResult;
import io.adaptstream.cli.run.demo.Protocol;
import io.adaptstream.cli.run.demo.RunRecord;
import io.adaptstream.cli.run.overhead.OverheadJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adapt demo}: the whole lifelong-learning run on the embedded system, with results, charts and a report. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Run Adapt-inf end to end on this machine and report it.",
        "Starts local mode in DIR/local (a real Kafka broker, the schema registry, the blob store), generates the "
            + "skill-world benchmark into DIR/data, publishes the pretraining release and the 5 task releases, and "
            + "runs every step through the four services (ingest, scoring, selector, trainer), each with its own "
            + "Kafka clients. Then writes DIR/results.json, DIR/run.json (for 'adapt replay'), DIR/report.md and "
            + "charts, and stops everything; the data stays in DIR/local.", ""},
    footer = {"", "Deterministic by default (one PyTorch thread): 'adapt replay --run RUN_ID' reproduces the "
        + "selections and accuracies exactly."})
final class DemoCommand implements Callable<Integer> {

  @ParentCommand
  AdaptCli root;

  @Spec
  CommandSpec spec;

  @Mixin
  MethodOption policy = new MethodOption();

  @Option(names = "--quick", description = "The QUICK benchmark (about a quarter of FULL) with the protocol's lighter "
      + "QUICK settings (fewer steps, a smaller budget).")
  boolean quick;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
      description = "Seed of the benchmark and of every random choice of the run (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--overhead", description = "After the run, redo each of its steps in this process without Kafka "
      + "(the same model, samples, optimizer steps and test samples) and write DIR/overhead.json and "
      + "DIR/overhead.md: the pipeline's seconds over the bare seconds, per phase and per step.")
  boolean overhead;

  @Mixin
  RunDirOptions runDir = new RunDirOptions();

  @Mixin
  JobOptions job = new JobOptions();

  @Mixin
  DashboardOptions dashboard = new DashboardOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter pw = spec.commandLine().getOut();
    String method = policy.method();
    MethodOption.requireKnown(spec, method);
    if (job.tasks().filter(n -> n < 1 || n > 5).isPresent()) {
      throw new ParameterException(spec.commandLine(), "--tasks must be 1 to 5");
    }
    String runId = RunIds.next(method, null);
    Size size = quick ? Size.QUICK : Size.FULL;
    PipelineSettings settings;
    try {
      settings = new PipelineSettings(runId, method, seed, !job.fast(), new Protocol(job.compute(), size).overrides())
          .withOverrides(job.overrides());
    } catch (IllegalArgumentException | ConfigException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Path dir = runDir.newRunDir(runId);
    pw.println("adapt demo: run " + runId + " (" + method + ", seed " + seed + ", " + size + " benchmark, "
        + (job.fast() ? "fast" : "deterministic") + " mode, " + job.compute() + " compute) in " + dir);
    Path dataDir = dir.resolve("data");
    DemoData generated = DemoData.generate(dataDir, seed, size);
    pw.println("benchmark generated in " + dataDir);
    DemoData data = job.trim(generated, dataDir);
    try (LocalSession local = LocalSession.open(dir.resolve("local"), pw);
        DemoDashboard live = DemoDashboard.start(dashboard.settings(), local.deployment(), settings, pw)) {
      Deployment deployment = local.deployment();
      DemoResult result = new DemoJob(root.services(), deployment, settings, data, dir, DemoProgress.timed(pw))
          .onServicesStarted(local::attach).onSelector(live::selector).run();
      RunRecord record = new RunRecord(runId, method, seed, job.maxSamples().isEmpty() ? size.name() : "custom",
          !job.fast(), dataDir.toString(), local.layout().dir().toString(), data.pretrainRelease(), data.taskReleases(),
          settings.overrides(), null, Instant.now().toString(), RunRecord.services(settings, deployment, dir),
          job.compute().label());
      finish(pw, result, record, dir);
      if (overhead) {
        pw.println();
        pw.println("redoing the steps without Kafka to measure the pipeline's overhead ...");
        pw.flush();
        OverheadJob.Overhead measured = OverheadJob.measure(deployment, settings, dir, data.pretrainRelease(),
            data.taskReleases(), result, dir, line -> {
              pw.println("  " + line);
              pw.flush();
            });
        pw.println();
        pw.print(OverheadJob.table(measured));
        pw.println("written to " + dir.resolve(OverheadJob.JSON_FILE) + " and " + OverheadJob.MARKDOWN_FILE);
      }
    }
    return AdaptCli.EXIT_OK;
  }

  /** Writes the run's files and prints the table and where everything is. */
  static void finish(PrintWriter pw, DemoResult result, RunRecord record, Path dir) throws Exception {
    List<Path> files = DemoReport.write(result, record, dir);
    pw.println();
    pw.print(DemoReport.table(result));
    pw.println();
    pw.println("written to " + dir + ": " + files.stream().map(f -> f.getFileName().toString()).toList());
    boolean named = dir.getFileName() != null && dir.getFileName().toString().equals(result.runId());
    pw.println("replay it with: adapt replay --run " + (named ? result.runId() : dir.toString()));
    pw.flush();
  }
}
