package io.adaptstream.cli;

import io.adaptstream.cli.dashboard.DashboardService;
import io.adaptstream.cli.local.LocalLayout;
import io.adaptstream.cli.local.LocalMode;
import io.adaptstream.cli.local.LocalMode.AlreadyRunning;
import io.adaptstream.cli.local.LocalMode.Detached;
import io.adaptstream.cli.local.LocalMode.Outcome;
import io.adaptstream.cli.local.LocalMode.Started;
import io.adaptstream.cli.local.LocalProcesses;
import io.adaptstream.cli.local.LocalService;
import io.adaptstream.cli.local.LocalState;
import io.adaptstream.cli.run.LocalPipeline;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.trainer.TrainerConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adapt local up}: starts local mode, or attaches to the one already running in the data directory. */
@Command(name = "up", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Start local mode, or attach to the one running in DIR.",
        "Starts a Kafka broker (KRaft), the schema registry and the blob store on 127.0.0.1, kept in DIR, and "
            + "creates the topics.",
        "Then starts the four pipeline services of run 'default' (selector, scoring, trainer, and the ingest "
            + "drop folder DIR/inbox): each release published from now on runs the next step on its own; "
            + "'adapt status' shows it.",
        "Runs in the foreground until Ctrl-C or SIGTERM, then stops everything; the data stays in DIR. "
            + "If local mode already runs in DIR, attaches to it instead and waits until it stops "
            + "(Ctrl-C then only detaches).",
        "With the services, it also serves the live dashboard of the run on 127.0.0.1 (a free port unless "
            + "--dashboard-port; the address is printed and kept in DIR/local.json).", ""})
final class LocalUpCommand implements Callable<Integer> {

  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

  @ParentCommand
  LocalCommand parent;

  @Spec
  CommandSpec spec;

  @Mixin
  DataDirOption dataDir;

  @Option(names = "--detach",
      description = "Start in the background (output in DIR/local.log), wait until it is ready, print the "
          + "addresses and exit. Stop it with 'adapt local down'.")
  boolean detach;

  @Option(names = "--broker-heap", paramLabel = "SIZE", defaultValue = "512m",
      description = "Maximum heap of the broker JVM (default: ${DEFAULT-VALUE}).")
  String brokerHeap;

  /** Set on the background process --detach starts: if local mode already runs, exit instead of attaching. */
  @Option(names = "--detached-child", hidden = true)
  boolean detachedChild;

  @Mixin
  LocalRunOptions run = new LocalRunOptions();

  @Mixin
  DashboardOptions dashboard = new DashboardOptions();

  @Override
  public Integer call() throws Exception {
    if (!HEAP.matcher(brokerHeap).matches()) {
      throw new ParameterException(spec.commandLine(), "--broker-heap must look like 512m or 1g, got " + brokerHeap);
    }
    PrintWriter out = spec.commandLine().getOut();
    LocalLayout layout = dataDir.layout();
    LocalMode mode = new LocalMode(layout, services(), brokerHeap, out, childOptions());
    out.println("starting local mode" + (detach ? " in the background" : "") + " in " + layout.dir() + " ...");
    out.flush();
    Outcome outcome = detach ? mode.detach() : mode.start();
    if (outcome instanceof Started s) {
      LocalReport.addresses(out, s.state());
      out.println("ready in " + LocalReport.seconds(s.startup()) + (s.firstStart() ? " (first start)" : "")
          + ". Ctrl-C stops it; the data stays in " + layout.dir());
      out.flush();
      return s.instance().awaitStop();
    }
    if (outcome instanceof Detached d) {
      LocalReport.addresses(out, d.state());
      out.println("ready in " + LocalReport.seconds(d.startup()) + ", running in the background (pid "
          + d.state().ownerPid() + ", output in " + layout.ownerLog() + ").");
      out.println("Stop it with: adapt local down --data-dir " + layout.dir());
      return AdaptCli.EXIT_OK;
    }
    LocalState s = ((AlreadyRunning) outcome).state();
    out.println("already running (pid " + s.ownerPid() + ") at " + s.bootstrapServers());
    LocalReport.addresses(out, s);
    if (detach || detachedChild) {
      return AdaptCli.EXIT_OK;
    }
    out.println("attached: waiting until it stops. Ctrl-C detaches (local mode keeps running); "
        + "'adapt local down' stops it.");
    out.flush();
    LocalProcesses.alive(s.ownerPid()).ifPresent(p -> p.onExit().join());
    out.println("local mode in " + layout.dir() + " stopped");
    return AdaptCli.EXIT_OK;
  }

  /**
   * What runs inside local mode: what the command was built with, else the pipeline of run 'default' and its
   * dashboard (after the pipeline, so that it finds the selector's query server).
   */
  private List<LocalService> services() {
    PipelineSettings settings = run.settings(); // refuses bad options before anything starts
    return parent.root.localServices().orElseGet(() -> {
      if (!run.services()) {
        return List.of();
      }
      List<LocalService> all = new ArrayList<>(List.of(new LocalPipeline(parent.root.services(), settings)));
      dashboard.settings().ifPresent(d -> all.add(new DashboardService(settings.value(TrainerConfig.MODEL_NAME), d)));
      return all;
    });
  }

  private List<String> childOptions() {
    List<String> o = new ArrayList<>(run.childOptions());
    o.addAll(dashboard.childOptions());
    return o;
  }
}
