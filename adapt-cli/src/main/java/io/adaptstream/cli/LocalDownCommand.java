package io.adaptstream.cli;

import io.adaptstream.cli.local.LocalLayout;
import io.adaptstream.cli.local.LocalMode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code adapt local down}: stops the local mode running in the data directory. */
@Command(name = "down", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Stop the local mode running in DIR; the data is kept.",
        "Stops its services, then the broker (controlled shutdown), and any broker a crashed instance left behind. "
            + "Not running is not an error.", ""})
final class LocalDownCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  DataDirOption dataDir;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    LocalLayout layout = dataDir.layout();
    LocalMode.Down down = LocalMode.down(layout, out);
    if (down.busy()) {
      throw new IllegalStateException("local mode in " + layout.dir() + " is starting or stopping right now; "
          + "run this again in a moment");
    }
    out.println(down.wasRunning() ? "stopped" : "local mode is not running in " + layout.dir());
    return AdaptCli.EXIT_OK;
  }
}
