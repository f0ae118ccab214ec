package io.adaptstream.cli;

import io.adaptstream.cli.dashboard.Dashboard;
import io.adaptstream.cli.run.Deployment;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code adapt dashboard}: the live dashboard of a run of any deployment, until Ctrl-C. */
@Command(name = "dashboard", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Serve a live web page of a run: its releases, steps and phases as they happen, the pool over "
        + "steps, each step's clusters with their chosen scorers and skill mix, the accuracy per version and skill "
        + "group (and the accuracy matrix as a heatmap), dead letters by reason, and a box that explains a sample "
        + "by id, with its image.",
        "Finds the system in local mode (DIR/local.json, which also names the selector's query server and the blob "
            + "store) unless --bootstrap-servers and --schema-registry-url are given; then the selector part needs "
            + "--selector-url and the images --blob-store.",
        "Prints the page's address and serves it until Ctrl-C. Binds 127.0.0.1 (this machine only) unless --host "
            + "says otherwise.", ""})
final class DashboardCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  DeploymentOptions deployment;

  @Mixin
  RunOptions run;

  @Option(names = "--blob-store", paramLabel = "DIR",
      description = "The blob store directory the images are read from (default: local mode's).")
  Path blobStore;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
      description = "Port of the page (default: ${DEFAULT-VALUE}, a free port; the address is printed).")
  int port;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = Dashboard.Settings.DEFAULT_HOST,
      description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only).")
  String host;

  /** Never released: the command serves until the process is stopped (Ctrl-C, SIGTERM). */
  private final CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    Deployment target = deployment.resolve();
    if (blobStore != null) {
      target = target.withBlobStore(blobStore);
    }
    Optional<URI> selector = run.selector(target);
    Dashboard.Settings settings;
    try {
      settings = Dashboard.Settings.defaults().at(host, port);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Dashboard dashboard = Dashboard.start(target, run.runId, run.model, () -> selector, settings)) {
      out.println("dashboard of run " + run.runId + " at " + dashboard.uri() + " ("
          + LocalReport.listening(LocalReport.hostOf(dashboard.uri().toString())) + ")");
      out.println(selector.map(u -> "selector " + u).orElse("no selector address: steps and clusters stay empty "
          + "(give --selector-url)") + "; " + target.blobStore().map(b -> "images from " + b)
          .orElse("no blob store: images are not shown (give --blob-store)"));
      out.println("Ctrl-C stops it.");
      out.flush();
      stop.await();
    }
    return AdaptCli.EXIT_OK;
  }
}
