package io.adaptstream.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.cli.local.LocalMode;
import io.adaptstream.cli.local.LocalState;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code adapt local status}: whether local mode runs in the data directory, with its pids and addresses. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Show whether local mode runs in DIR, with pids, uptime and addresses.",
        "Exit status 0 when it runs (its owner is alive and the broker answers), 3 when it does not.", ""})
final class LocalStatusCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  DataDirOption dataDir;

  @Mixin
  StatusJsonOption output = new StatusJsonOption();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    LocalMode.Status st = LocalMode.status(dataDir.layout());
    output.print(out, st, LocalStatusCommand::toJson, LocalStatusCommand::print);
    return st.running() ? AdaptCli.EXIT_OK : AdaptCli.EXIT_NOT_RUNNING;
  }

  private static ObjectNode toJson(LocalMode.Status st) {
    ObjectNode n = StatusJsonOption.JSON.createObjectNode();
    n.put("running", st.running());
    n.put("busy", st.busy());
    n.put("dataDir", st.layout().dir().toString());
    st.state().ifPresent(s -> {
      n.put("ownerPid", s.ownerPid());
      n.put("ownerAlive", st.ownerAlive());
      n.put("brokerPid", s.brokerPid());
      n.put("brokerAnswers", st.brokerAnswers());
      n.put("startedAt", s.startedAt());
      n.put("uptimeSeconds", st.uptimeSeconds());
      n.put("bootstrapServers", s.bootstrapServers());
      n.put("schemaRegistryUrl", s.schemaRegistryUrl());
      n.put("blobStore", s.blobStore());
      n.put("topics", st.topics());
      s.selectorUrl().ifPresent(u -> n.put("selectorUrl", u));
      s.metricsUrl().ifPresent(u -> n.put("metricsUrl", u));
      s.dashboardUrl().ifPresent(u -> n.put("dashboardUrl", u));
      ObjectNode bound = n.putObject("listensOn"); // the bind address of each endpoint
      bound.put("broker", LocalReport.hostOf("tcp://" + s.bootstrapServers()));
      bound.put("schemaRegistry", LocalReport.hostOf(s.schemaRegistryUrl()));
      s.selectorUrl().ifPresent(u -> bound.put("selector", LocalReport.hostOf(u)));
      s.metricsUrl().ifPresent(u -> bound.put("metrics", LocalReport.hostOf(u)));
      s.dashboardUrl().ifPresent(u -> bound.put("dashboard", LocalReport.hostOf(u)));
    });
    st.leftoverBrokerPids().forEach(n.putArray("leftoverBrokerPids")::add);
    return n;
  }

  private static void print(PrintWriter out, LocalMode.Status st) {
    out.println("local mode in " + st.layout().dir() + ": "
        + (st.running() ? "running" : st.busy() ? "starting or stopping" : "not running"));
    if (st.state().isPresent()) {
      LocalState s = st.state().get();
      if (st.running()) {
        LocalReport.row(out, "owner pid", s.ownerPid() + " (up " + LocalReport.uptime(st.uptimeSeconds()) + ")");
        LocalReport.row(out, "broker pid", s.brokerPid());
        LocalReport.addresses(out, s);
        LocalReport.row(out, "topics", st.topics());
      } else if (!st.ownerAlive()) {
        out.println("  stale " + st.layout().state().getFileName() + ": owner pid " + s.ownerPid() + " is gone");
      } else {
        out.println("  owner pid " + s.ownerPid() + " is alive but the broker at " + s.bootstrapServers()
            + " does not answer");
      }
    }
    for (long pid : st.leftoverBrokerPids()) {
      out.println("  a leftover broker (pid " + pid + ") still runs; 'adapt local down --data-dir "
          + st.layout().dir() + "' stops it");
    }
  }
}
