package io.adaptstream.cli.local;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import kafka.tools.StorageTool;

/**
 * The local-mode Kafka broker: a child JVM running {@code kafka.Kafka DIR/server.properties} from this
 * program's own classpath, exactly what {@code kafka-server-start.sh} runs.
 *
 * <p>A child rather than an in-process broker because the broker's public contract is its command line and
 * configuration file (the in-process server classes are internal Scala API), and because SIGTERM gives it
 * Kafka's own controlled shutdown. It runs in its own session so a Ctrl-C in the terminal reaches only the
 * owner, which stops the services first and the broker last.
 */
final class LocalBroker {

  /** Heap of the broker JVM; a one-node broker with a few topics needs little. */
  static final String DEFAULT_HEAP = "512m";

  private final Process process;
  private final LocalLayout layout;

  private LocalBroker(Process process, LocalLayout layout) {
    this.process = process;
    this.layout = layout;
  }

  /**
   * Writes {@code server.properties} and formats the storage unless it already is (the same as
   * {@code kafka-storage.sh format --standalone --ignore-formatted}); returns whether this was the first
   * format.
   */
  static boolean format(LocalLayout layout, LocalSettings settings) {
    writeServerProperties(layout, settings);
    boolean first = !Files.exists(layout.kafkaDir().resolve("meta.properties"));
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int rc;
    // execute(), never main(): main calls System.exit
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      rc = StorageTool.execute(new String[] {"format", "--standalone", "--ignore-formatted",
          "-t", settings.clusterId(), "-c", layout.serverProperties().toString()}, out);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot format the broker storage in " + layout.kafkaDir() + ": "
          + e.getMessage() + " " + captured.toString(StandardCharsets.UTF_8).trim(), e);
    }
    if (rc != 0) {
      throw new IllegalStateException("cannot format the broker storage in " + layout.kafkaDir() + " (rc " + rc
          + "): " + captured.toString(StandardCharsets.UTF_8).trim());
    }
    return first;
  }

  private static void writeServerProperties(LocalLayout layout, LocalSettings settings) {
    Properties p = settings.serverProperties(layout);
    try {
      Files.createDirectories(layout.kafkaDir());
      try (Writer w = Files.newBufferedWriter(layout.serverProperties(), StandardCharsets.UTF_8)) {
        p.store(w, "written by adapt local up on every start from local.properties; edits are overwritten");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + layout.serverProperties(), e);
    }
  }

  /** Starts the broker JVM; its output goes to {@code DIR/broker.log} (the previous start's to {@code broker.log.1}). */
  static LocalBroker start(LocalLayout layout, String heap) {
    rotate(layout.brokerLog());
    List<String> cmd = new ArrayList<>(JavaCommand.newSession());
    cmd.add(JavaCommand.javaExecutable());
    cmd.addAll(List.of("-Xms128m", "-Xmx" + heap, "-XX:+UseG1GC", "-Djava.awt.headless=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
        "-cp", JavaCommand.classPath(),
        LocalProcesses.BROKER_MAIN, layout.serverProperties().toString()));
    try {
      Process p = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.brokerLog().toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      return new LocalBroker(p, layout);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the broker JVM: " + e.getMessage(), e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  /**
   * Polls until the broker answers, failing at once (with the end of its log) if the child dies, or after
   * {@code timeout}.
   */
  void awaitReady(LocalProbe probe, Duration timeout, String clusterId, int port) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the broker exited during startup (rc " + process.exitValue() + ")"
            + logTail(layout.brokerLog(), 25));
      }
      if (probe.answers()) {
        checkCluster(probe.clusterId(), clusterId, port);
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the broker did not answer within " + timeout.toSeconds() + " s"
            + logTail(layout.brokerLog(), 25));
      }
      // a poll, not a retry: the broker is starting; each round also fails fast if the child died
      Thread.sleep(200);
    }
  }

  /**
   * Refuses a broker of another cluster on our port: one that took the port between our check and our broker's
   * bind (a second local mode started at the same moment, say) answers before ours fails to bind, and the services
   * must never write into it.
   */
  static void checkCluster(Optional<String> answered, String expected, int port) {
    if (answered.isPresent() && !answered.get().equals(expected)) {
      throw new PortConflictException("127.0.0.1:" + port + " answers for another Kafka cluster (id "
          + answered.get() + "), not this directory's (id " + expected + "): another program, perhaps a local mode "
          + "started at the same moment, took the port; stop it and start again, or give this directory other "
          + "ports");
    }
  }

  /** SIGTERM (Kafka's controlled shutdown), then a forced kill after {@code grace}; returns the exit code. */
  int stop(Duration grace) {
    LocalProcesses.terminate(process.toHandle(), grace);
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Keeps one previous generation of a log: {@code x.log} becomes {@code x.log.1}. */
  static void rotate(Path log) {
    try {
      if (Files.exists(log)) {
        Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rotate " + log, e);
    }
  }

  /** The last lines of a log, as a block to append to an error message ("" if there is none). */
  static String logTail(Path log, int lines) {
    try {
      if (!Files.exists(log)) {
        return "";
      }
      List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
      return "\n--- last lines of " + log + " ---\n" + String.join("\n", tail);
    } catch (IOException e) {
      return "\n(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
