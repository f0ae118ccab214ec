package io.adaptstream.cli;

import io.adaptstream.cli.local.LocalInstance;
import io.adaptstream.cli.local.LocalLayout;
import io.adaptstream.cli.local.LocalMode;
import io.adaptstream.cli.local.LocalMode.AlreadyRunning;
import io.adaptstream.cli.local.LocalMode.Outcome;
import io.adaptstream.cli.local.LocalMode.Started;
import io.adaptstream.cli.local.LocalState;
import io.adaptstream.cli.run.Deployment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Local mode for the length of one job ({@code demo}, {@code replay}): started in this process on the job's data
 * directory without services (the job runs its own), or, if it already runs there, used as it is. Closing stops
 * what this session started, services attached to it first, and keeps the data.
 */
final class LocalSession implements AutoCloseable {

  private final Optional<LocalInstance> owned;
  private final LocalState state;
  private final LocalLayout layout;

  private LocalSession(Optional<LocalInstance> owned, LocalState state, LocalLayout layout) {
    this.owned = owned;
    this.state = state;
    this.layout = layout;
  }

  static LocalSession open(Path dir, PrintWriter out) throws Exception {
    LocalLayout layout = LocalLayout.of(dir);
    out.println("starting local mode in " + layout.dir() + " ...");
    out.flush();
    Outcome outcome = new LocalMode(layout, List.of(), LocalMode.defaultBrokerHeap(), out).start();
    if (outcome instanceof Started s) {
      LocalReport.addresses(out, s.state());
      out.println("ready in " + LocalReport.seconds(s.startup()) + (s.firstStart() ? " (first start)" : ""));
      out.flush();
      return new LocalSession(Optional.of(s.instance()), s.state(), layout);
    }
    LocalState s = ((AlreadyRunning) outcome).state();
    out.println("local mode already runs there (pid " + s.ownerPid() + "); using it");
    out.flush();
    return new LocalSession(Optional.empty(), s, layout);
  }

  Deployment deployment() {
    return Deployment.local(state.bootstrapServers(), state.schemaRegistryUrl(), Path.of(state.blobStore()));
  }

  LocalLayout layout() {
    return layout;
  }

  /** Makes {@code handle} stop before this session's broker, also on Ctrl-C. */
  void attach(String name, AutoCloseable handle) {
    owned.ifPresent(i -> i.attach(name, handle));
  }

  @Override
  public void close() {
    owned.ifPresent(LocalInstance::stop);
  }
}
