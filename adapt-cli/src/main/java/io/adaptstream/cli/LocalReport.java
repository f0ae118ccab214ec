package io.adaptstream.cli;

import io.adaptstream.cli.local.LocalState;
import java.io.PrintWriter;
import java.time.Duration;

/** How local mode's addresses and durations are printed, the same way by every local command. */
final class LocalReport {

  private LocalReport() {}

  static void addresses(PrintWriter out, LocalState s) {
    row(out, "broker", s.bootstrapServers());
    row(out, "schema registry", s.schemaRegistryUrl());
    row(out, "blob store", s.blobStore());
    row(out, "data", s.dataDir());
    s.selectorUrl().ifPresent(u -> row(out, "selector", u + " (interactive queries; adapt status)"));
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
