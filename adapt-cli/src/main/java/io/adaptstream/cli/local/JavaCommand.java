package io.adaptstream.cli.local;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How to start another JVM on this program's own classpath: the broker, and a detached {@code local up}.
 */
final class JavaCommand {

  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private JavaCommand() {}

  /** The java binary running this process (the OS reports it: {@code /proc/self/exe} on Linux). */
  static String javaExecutable() {
    return ProcessHandle.current().info().command()
        .orElseThrow(() -> new IllegalStateException("the OS does not say which java binary runs this process, "
            + "so a child JVM cannot be started"));
  }

  /**
   * This process's classpath with absolute entries, so a child may run in another directory. Maven's test
   * runners of this module pass the whole test classpath on the command line ({@code useManifestOnlyJar} off in
   * its pom), so tests see the same value as a real run and production code never reads the runner's settings.
   */
  static String classPath() {
    String cp = ManagementFactory.getRuntimeMXBean().getClassPath();
    return Arrays.stream(cp.split(File.pathSeparator))
        .filter(e -> !e.isBlank())
        .map(e -> Path.of(e).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** This JVM's own options (heap, system properties), minus a debugger agent whose port would clash. */
  static List<String> jvmOptions() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-agentlib:jdwp"))
        .toList();
  }

  /**
   * A prefix that runs the child in a new session (no controlling terminal), or nothing where
   * {@code setsid} is missing: then a Ctrl-C in the terminal or closing it does not reach the child.
   */
  static List<String> newSession() {
    return Files.isExecutable(SETSID) ? List.of(SETSID.toString()) : List.of();
  }
}
