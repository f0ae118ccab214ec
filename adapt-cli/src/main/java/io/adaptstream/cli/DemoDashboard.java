package io.adaptstream.cli;

import io.adaptstream.cli.dashboard.Dashboard;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.trainer.TrainerConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The live dashboard of a job's run ({@code adapt demo}, {@code adapt replay}): started with local mode, before the services, and told
 * the selector's address once it answers; its address is printed first thing. Closing it stops the page.
 */
final class DemoDashboard implements AutoCloseable {

  private final AtomicReference<URI> selector = new AtomicReference<>();
  private final Dashboard dashboard;

  private DemoDashboard(Optional<Dashboard.Settings> settings, Deployment deployment, PipelineSettings run,
      PrintWriter out) throws java.io.IOException {
    if (settings.isEmpty()) {
      dashboard = null;
      return;
    }
    dashboard = Dashboard.start(deployment, run.runId(), run.value(TrainerConfig.MODEL_NAME),
        () -> Optional.ofNullable(selector.get()), settings.get());
    out.println("dashboard        " + dashboard.uri() + " (live view of the run in a browser; "
        + LocalReport.listening(LocalReport.hostOf(dashboard.uri().toString())) + ")");
    out.flush();
  }

  /** Starts the dashboard of run {@code run}, or nothing when {@code settings} is empty (--no-dashboard). */
  static DemoDashboard start(Optional<Dashboard.Settings> settings, Deployment deployment, PipelineSettings run,
      PrintWriter out) throws java.io.IOException {
    return new DemoDashboard(settings, deployment, run, out);
  }

  /** The run's selector answers at {@code url}. */
  void selector(URI url) {
    selector.set(url);
  }

  @Override
  public void close() {
    if (dashboard != null) {
      dashboard.close();
    }
  }
}
