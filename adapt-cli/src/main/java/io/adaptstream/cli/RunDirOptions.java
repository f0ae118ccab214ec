package io.adaptstream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --out} and {@code --runs-dir}: where a new run's files go. The demo records runs as {@code RUNS/<run id>}
 * and replay reads them back from there and records its own beside them, so both commands share the options,
 * their help and the rule that a run's directory is new or empty.
 */
public final class RunDirOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Output directory, new or empty (default: RUNS/<run id>, the run id being <method>-<time>).")
  Path out;

  @Option(names = "--runs-dir", paramLabel = "RUNS", defaultValue = "runs",
      description = "The runs directory: where recorded runs are, and where a new run goes without --out "
          + "(default: ${DEFAULT-VALUE}).")
  Path runsDir = Path.of("runs");

  /** Where recorded runs are. */
  Path runsDir() {
    return runsDir;
  }

  /** The directory of the new run {@code runId}, absolute; a usage error if it holds anything. */
  Path newRunDir(String runId) throws IOException {
    Path dir = (out != null ? out : runsDir.resolve(runId)).toAbsolutePath().normalize();
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw new ParameterException(mixee.commandLine(), "output directory " + dir + " is not empty");
        }
      }
    }
    return dir;
  }
}
