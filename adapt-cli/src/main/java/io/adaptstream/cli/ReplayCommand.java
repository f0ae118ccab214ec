package io.adaptstream.cli;

import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.run.demo.DemoJob;
import io.adaptstream.cli.run.demo.DemoProgress;
import io.adaptstream.cli.run.demo.DemoResult;
import io.adaptstream.cli.run.demo.RunRecord;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code adapt replay}: re-runs a recorded run from its ingest log under a new run id, with the same method (an
 * exact reproduction in deterministic mode) or another one (a what-if on the very same data).
 */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Re-run a recorded run from its ingest log, under a new run id.",
        "Reads RUNS/RUN_ID/run.json, restarts local mode on the run's data directory and runs the whole pipeline "
            + "again from offset 0 of the ingest log: new Kafka Streams application, new derived topics, the same "
            + "seed and settings. With the same method in deterministic mode it reproduces every selection and "
            + "every accuracy exactly; with --method it shows what another method does on the same data.", ""})
final class ReplayCommand implements Callable<Integer> {

  @ParentCommand
  AdaptCli root;

  @Spec
  CommandSpec spec;

  @Option(names = "--run", required = true, paramLabel = "RUN_ID",
      description = "The run to replay: a run id under RUNS, or a run's directory.")
  String run;

  @Option(names = "--method", paramLabel = "POLICY",
      description = "Another selection method for a what-if (default: the recorded one).")
  String method;

  @Mixin
  RunDirOptions runDir = new RunDirOptions();

  @Mixin
  DashboardOptions dashboard = new DashboardOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter pw = spec.commandLine().getOut();
    Path recorded = runDir.runsDir().resolve(run);
    if (!Files.isRegularFile(recorded.resolve(RunRecord.FILE_NAME))
        && Files.isRegularFile(Path.of(run).resolve(RunRecord.FILE_NAME))) {
      recorded = Path.of(run);
    }
    if (!Files.isRegularFile(recorded.resolve(RunRecord.FILE_NAME))) {
      throw new ParameterException(spec.commandLine(), "no recorded run " + run + ": " + recorded.resolve(
          RunRecord.FILE_NAME) + " does not exist (see --runs-dir)");
    }
    RunRecord original = RunRecord.read(recorded);
    String newMethod = method == null ? original.method() : method;
    MethodOption.requireKnown(spec, newMethod);
    String runId = RunIds.next(newMethod, original.runId());
    PipelineSettings settings = original.settings().withRun(runId).withMethod(newMethod);
    Path dir = runDir.newRunDir(runId);
    pw.println("adapt replay: run " + runId + " replays " + original.runId() + " (" + newMethod
        + (newMethod.equals(original.method()) ? ", the recorded method" : ", recorded: " + original.method())
        + ", seed " + original.seed() + ", " + (original.deterministic() ? "deterministic" : "fast") + " mode) in "
        + dir);
    try (LocalSession local = LocalSession.open(Path.of(original.localDir()), pw);
        DemoDashboard live = DemoDashboard.start(dashboard.settings(), local.deployment(), settings, pw)) {
      Deployment deployment = local.deployment();
      DemoResult result = new DemoJob(root.services(), deployment, settings, original.publishedData(), dir,
          DemoProgress.timed(pw)).onServicesStarted(local::attach).onSelector(live::selector).run();
      RunRecord record = new RunRecord(runId, newMethod, original.seed(), original.size(), original.deterministic(),
          original.dataDir(), original.localDir(), original.pretrainRelease(), original.taskReleases(),
          settings.overrides(), original.runId(), Instant.now().toString(),
          RunRecord.services(settings, deployment, dir), original.compute());
      DemoCommand.finish(pw, result, record, dir);
    }
    return AdaptCli.EXIT_OK;
  }
}
