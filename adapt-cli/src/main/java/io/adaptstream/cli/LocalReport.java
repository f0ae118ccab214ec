package io.adaptstream.cli;

import io.adaptstream.cli.local.LocalState;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;

/** How local mode's addresses and durations are printed, the same way by every local command. */
final class LocalReport {

  private LocalReport() {}

  /**
   * The endpoints with the address each listens on. Local mode binds each one to the host of the address it
   * records (the broker's listeners are its bootstrap address, the registry binds 127.0.0.1 and says so in its
   * URL, the selector binds {@code selector.http.host} and advertises it), so the host shown is the bind address.
   */
  static void addresses(PrintWriter out, LocalState s) {
    row(out, "broker", s.bootstrapServers() + " (" + listening(hostOf("tcp://" + s.bootstrapServers())) + ")");
    row(out, "schema registry", s.schemaRegistryUrl() + " (" + listening(hostOf(s.schemaRegistryUrl())) + ")");
    row(out, "blob store", s.blobStore());
    row(out, "data", s.dataDir());
    s.selectorUrl().ifPresent(u -> row(out, "selector", u + " (interactive queries, adapt status; "
        + listening(hostOf(u)) + ")"));
    s.metricsUrl().ifPresent(u -> row(out, "metrics", u + " (Prometheus text format, every service; "
        + listening(hostOf(u)) + ")"));
    s.dashboardUrl().ifPresent(u -> row(out, "dashboard", u + " (live view of the run in a browser; "
        + listening(hostOf(u)) + ")"));
  }

  /** The host of an address, as bound: {@code 127.0.0.1}, {@code ::1}, {@code 0.0.0.0}, a name. */
  static String hostOf(String uri) {
    String host;
    try {
      host = URI.create(uri.split(",")[0].trim()).getHost();
    } catch (IllegalArgumentException e) {
      return null;
    }
    return host == null ? null : host.replaceAll("^\\[|]$", "");
  }

  /** Says who can reach an endpoint bound to {@code host}. */
  static String listening(String host) {
    if (host == null) {
      return "bind address unknown";
    }
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
      return "listens on " + host + ": every interface, reachable from other machines";
    }
    if (host.startsWith("127.") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")
        || host.equalsIgnoreCase("localhost")) {
      return "listens on " + host + " only: this machine";
    }
    return "listens on " + host + ": reachable from its network";
  }

  static void row(PrintWriter out, String name, Object value) {
    out.printf("  %-16s %s%n", name, value);
  }

  static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }

  static String uptime(long totalSeconds) {
    Duration d = Duration.ofSeconds(totalSeconds);
    if (d.toHours() > 0) {
      return String.format("%dh %02dm %02ds", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
    return d.toMinutes() > 0 ? String.format("%dm %02ds", d.toMinutes(), d.toSecondsPart()) : totalSeconds + "s";
  }
}
