package io.adaptstream.cli;

import io.adaptstream.blob.BlobStore;
import io.adaptstream.cli.local.LocalService;
import io.adaptstream.cli.serve.ServiceLauncher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;

/** One in-process run of the command, with what it printed. */
record CliRun(int exitCode, String out, String err) {

  static CliRun of(String... args) {
    return with(ServiceLauncher.defaults(), args);
  }

  static CliRun with(ServiceLauncher services, String... args) {
    return with(services, List.of(), args);
  }

  static CliRun with(ServiceLauncher services, List<LocalService> localServices, String... args) {
    return with(new AdaptCli(services, localServices), args);
  }

  /** A run whose commands open blob store directories with {@code blobStores}. */
  static CliRun withBlobStores(Function<Path, BlobStore> blobStores, String... args) {
    return with(new AdaptCli(ServiceLauncher.defaults(), List.of()).withBlobStores(blobStores), args);
  }

  private static CliRun with(AdaptCli app, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = AdaptCli.commandLine(app);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int rc = cmd.execute(args);
    return new CliRun(rc, out.toString(), err.toString());
  }
}
