package io.adaptstream.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code adapt} command in a child JVM on the test classpath, as the launcher runs it: local mode's
 * commands own processes and shutdown hooks, which must not live in the test JVM.
 */
final class CliProcess {

  private final Process process;
  private final Path output;

  private CliProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  static CliProcess start(Path output, String... args) throws IOException {
    return startWithHeap(output, "256m", args);
  }

  static CliProcess startWithHeap(Path output, String heap, String... args) throws IOException {
    return startWithOptions(output, List.of("-Xmx" + heap), args);
  }

  /**
   * With these JVM options (heap, log levels); a detached {@code local up} passes them on to the background
   * process it starts.
   */
  static CliProcess startWithOptions(Path output, List<String> jvmOptions, String... args) throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", cp, AdaptCli.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    return new CliProcess(p, output);
  }

  /** Runs a command to its end; fails the test if it takes longer than {@code timeout}. */
  static Result run(Path workDir, Duration timeout, String... args) throws Exception {
    return runWithHeap(workDir, timeout, "256m", args);
  }

  /** As {@link #run(Path, Duration, String...)}, with a larger heap for commands that run the services. */
  static Result runWithHeap(Path workDir, Duration timeout, String heap, String... args) throws Exception {
    return runWithOptions(workDir, timeout, List.of("-Xmx" + heap), args);
  }

  /** As {@link #run(Path, Duration, String...)}, with these JVM options. */
  static Result runWithOptions(Path workDir, Duration timeout, List<String> jvmOptions, String... args)
      throws Exception {
    Path out = Files.createTempFile(workDir, "adapt-", ".out");
    CliProcess p = startWithOptions(out, jvmOptions, args);
    if (!p.process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.process.destroyForcibly();
      throw new AssertionError("adapt " + String.join(" ", args) + " did not finish within " + timeout
          + "; output:\n" + p.output());
    }
    return new Result(p.process.exitValue(), p.output());
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  String output() throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }

  record Result(int exitCode, String output) {}
}
