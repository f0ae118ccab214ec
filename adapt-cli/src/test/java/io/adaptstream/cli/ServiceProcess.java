package io.adaptstream.cli;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One pipeline service in a JVM of its own, as a container runs it: {@code adapt serve NAME --config FILE} on the
 * test classpath, its log in a file. {@link #kill()} is SIGKILL: no shutdown hook, no clean close.
 */
final class ServiceProcess implements AutoCloseable {

  private final String name;
  private final Path config;
  private final Path log;
  private Process process;
  private int starts;

  private ServiceProcess(String name, Path config, Path log) {
    this.name = name;
    this.config = config;
    this.log = log;
  }

  /** Writes {@code settings} as {@code dir/NAME.properties} and starts the service. */
  static ServiceProcess start(String name, Map<String, String> settings, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path config = dir.resolve(name + ".properties");
    Properties p = new Properties();
    p.putAll(new TreeMap<>(settings));
    try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      p.store(w, "test config of " + name);
    }
    ServiceProcess s = new ServiceProcess(name, config, dir.resolve(name + ".log"));
    s.start();
    return s;
  }

  /** (Re)starts the JVM with the same config; its output is appended to the log. */
  synchronized void start() throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log.io.adaptstream=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-cp", cp, AdaptCli.class.getName(), "serve", name, "--config", config.toString()));
    Files.writeString(log, "=== start " + (++starts) + " of " + name + "\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  /** SIGKILL, and waits until the process is gone. */
  synchronized void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not die from SIGKILL");
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  String name() {
    return name;
  }

  /** SIGTERM (a clean stop), then SIGKILL if it takes too long. */
  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
