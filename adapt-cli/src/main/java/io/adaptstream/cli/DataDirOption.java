package io.adaptstream.cli;

import io.adaptstream.cli.local.LocalLayout;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data-dir}: where local mode keeps everything. Relative paths are relative to the working directory. */
public final class DataDirOption {

  public static final String DEFAULT = "./.adapt";

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = DEFAULT,
      description = "Local-mode data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  public LocalLayout layout() {
    return LocalLayout.of(dataDir);
  }
}
