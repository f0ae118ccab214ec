package io.adaptstream.cli;

import io.adaptstream.cli.dashboard.Dashboard;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The dashboard options of the commands that run a pipeline and serve its live page alongside ({@code adapt demo},
 * {@code adapt local up}): on by default, on 127.0.0.1 and a free port (the address is printed), or off.
 */
public final class DashboardOptions {

  @Option(names = "--no-dashboard", description = "Do not serve the live dashboard.")
  boolean noDashboard;

  @Option(names = "--dashboard-port", paramLabel = "PORT", defaultValue = "0",
      description = "Port of the live dashboard (default: ${DEFAULT-VALUE}, a free port; the address is printed).")
  int port;

  @Option(names = "--dashboard-host", paramLabel = "HOST", defaultValue = Dashboard.Settings.DEFAULT_HOST,
      description = "Address the dashboard binds to (default: ${DEFAULT-VALUE}, this machine only).")
  String host = Dashboard.Settings.DEFAULT_HOST;

  /** The dashboard's settings, or empty with {@code --no-dashboard}. */
  Optional<Dashboard.Settings> settings() {
    return noDashboard ? Optional.empty() : Optional.of(Dashboard.Settings.defaults().at(host, port));
  }

  /** The same options for the background process of {@code adapt local up --detach}. */
  List<String> childOptions() {
    List<String> o = new ArrayList<>();
    if (noDashboard) {
      o.add("--no-dashboard");
    }
    o.addAll(List.of("--dashboard-port", Integer.toString(port), "--dashboard-host", host));
    return o;
  }
}
