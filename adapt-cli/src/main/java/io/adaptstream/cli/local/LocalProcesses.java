package io.adaptstream.cli.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finding and stopping local mode's processes by pid, safely.
 *
 * <p>A pid from a stale {@code local.json} may by now belong to an unrelated program, so nothing is signalled
 * unless its command line proves it is ours: a broker is {@code ... kafka.Kafka DIR/server.properties} for
 * this very data directory, an owner runs {@code io.adaptstream.cli.AdaptCli}.
 */
public final class LocalProcesses {

  static final String BROKER_MAIN = "kafka.Kafka";
  static final String OWNER_MAIN = "io.adaptstream.cli.AdaptCli";

  private LocalProcesses() {}

  /** The live process with this pid, if any. */
  public static Optional<ProcessHandle> alive(long pid) {
    return pid <= 0 ? Optional.empty() : ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
  }

  /** Whether a command line is the broker of this data directory. */
  static boolean isBrokerCommand(List<String> commandLine, LocalLayout layout) {
    int main = commandLine.indexOf(BROKER_MAIN);
    return main >= 0 && main + 1 < commandLine.size()
        && commandLine.get(main + 1).equals(layout.serverProperties().toString());
  }

  static boolean isOwnerCommand(List<String> commandLine) {
    return commandLine.contains(OWNER_MAIN);
  }

  /** Whether the process is this data directory's broker. */
  public static boolean isBroker(ProcessHandle p, LocalLayout layout) {
    return commandLine(p).map(c -> isBrokerCommand(c, layout)).orElse(false);
  }

  /** Whether the process runs the adapt command (and so may own a local mode). */
  public static boolean isOwner(ProcessHandle p) {
    return commandLine(p).map(LocalProcesses::isOwnerCommand).orElse(false);
  }

  /** Every live broker of this data directory (normally none or one). */
  public static List<ProcessHandle> brokersOf(LocalLayout layout) {
    try (var all = ProcessHandle.allProcesses()) {
      return all.filter(p -> p.pid() != ProcessHandle.current().pid())
          .filter(p -> isBroker(p, layout))
          .toList();
    }
  }

  /**
   * SIGTERM, then up to {@code grace} for the process to exit, then SIGKILL. Returns whether it is gone.
   */
  public static boolean terminate(ProcessHandle p, Duration grace) {
    if (!p.isAlive()) {
      return true;
    }
    p.destroy();
    if (awaitExit(p, grace)) {
      return true;
    }
    p.destroyForcibly();
    return awaitExit(p, Duration.ofSeconds(10));
  }

  /** Waits until the process exits; returns false on timeout. */
  public static boolean awaitExit(ProcessHandle p, Duration timeout) {
    try {
      p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return !p.isAlive();
    } catch (ExecutionException e) {
      return !p.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  /**
   * The process's command line. On Linux it is read from {@code /proc/PID/cmdline} because the JDK's
   * {@link ProcessHandle.Info#arguments()} gives up on command lines longer than a page, which ours are (the
   * classpath).
   */
  static Optional<List<String>> commandLine(ProcessHandle p) {
    Path proc = Path.of("/proc", Long.toString(p.pid()), "cmdline");
    try {
      byte[] raw = Files.readAllBytes(proc);
      if (raw.length > 0) {
        String all = new String(raw, StandardCharsets.UTF_8);
        return Optional.of(Arrays.asList(all.split("\0")));
      }
    } catch (IOException | SecurityException e) {
      // not Linux, or the process is gone or not ours: fall back to what the JDK knows
    }
    ProcessHandle.Info info = p.info();
    return info.arguments().map(Arrays::asList);
  }
}
