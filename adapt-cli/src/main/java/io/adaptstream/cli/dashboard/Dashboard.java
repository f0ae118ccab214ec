package io.adaptstream.cli.dashboard;

import io.adaptstream.avro.Sample;
import io.adaptstream.cli.run.Deployment;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live dashboard of one run: a web page on {@link #uri()} that shows the run's steps and phases, pool, clusters,
 * accuracy, dead letters and a sample's story as they happen. It follows the run from the outside, like
 * {@code adapt status} (the selector's query server, the run's topics), so it works against any deployment: in
 * the process of {@code adapt demo} or {@code adapt local up}, or alone ({@code adapt dashboard}).
 *
 * <p>One thread reads the run every {@link Settings#interval()} and pushes the state to the open pages (server-sent
 * events) when it changed.
 */
public final class Dashboard implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);

  /**
   * Where the dashboard listens and how often it reads the run.
   *
   * @param host the bind address (127.0.0.1: this machine only)
   * @param port 0 picks a free port
   * @param matrix where the accuracy matrix comes from
   */
  public record Settings(String host, int port, Duration interval, MatrixSource matrix) {

    /** The default bind address: this machine only. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    public Settings {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
      }
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval must be positive, got " + interval);
      }
      Objects.requireNonNull(matrix, "matrix");
    }

    /** 127.0.0.1, a free port, a read every second, no matrix yet. */
    public static Settings defaults() {
      return new Settings(DEFAULT_HOST, 0, Duration.ofSeconds(1), MatrixSource.CONTINUAL);
    }

    public Settings at(String host, int port) {
      return new Settings(host, port, interval, matrix);
    }
  }

  private final Admin admin;
  private final RunWatcher watcher;
  private final DashboardServer server;
  private final ScheduledExecutorService poller;
  private volatile String state;
  private String stateWithoutTime = "";

  private Dashboard(Deployment deployment, String runId, String modelName, Supplier<Optional<URI>> selectorUrl,
      Settings settings) throws IOException {
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, deployment.bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000));
    this.watcher = new RunWatcher(deployment, runId, modelName, selectorUrl, settings.matrix(), admin);
    this.state = DashboardJson.write(DashboardJson.state(new RunSnapshot(runId, null, "starting", "starting",
        java.util.List.of(), Optional.empty(), Map.of(), new java.util.TreeMap<>(), new java.util.TreeMap<>(),
        Map.of(), Map.of(), Optional.empty()), System.currentTimeMillis()));
    SampleLookup lookup = new SampleLookup(deployment, admin);
    DashboardServer.Samples samples = new DashboardServer.Samples() {
      @Override
      public Optional<URI> selectorUrl() {
        return selectorUrl.get();
      }

      @Override
      public Optional<Sample> find(String sampleId) {
        return lookup.find(sampleId);
      }
    };
    try {
      this.server = DashboardServer.start(settings.host(), settings.port(), () -> state, samples,
          deployment.blobStore());
    } catch (IOException | RuntimeException e) {
      admin.close();
      throw e;
    }
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dashboard-poller");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(this::refresh, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts the dashboard of run {@code runId} of {@code deployment}; images come from its blob store, when known.
   *
   * @param selectorUrl the selector's query server, asked again on every read (it may become known later, as in
   *     the demo, where the selector starts after the dashboard)
   */
  public static Dashboard start(Deployment deployment, String runId, String modelName,
      Supplier<Optional<URI>> selectorUrl, Settings settings) throws IOException {
    Dashboard d = new Dashboard(deployment, runId, modelName, selectorUrl, settings);
    LOG.info("dashboard of run {} on {}", runId, d.uri());
    return d;
  }

  /** The page's address, e.g. {@code http://127.0.0.1:40123/}. */
  public URI uri() {
    return server.uri();
  }

  /** Reads the run once and pushes the state to the pages if it changed. */
  private void refresh() {
    try {
      RunSnapshot snapshot = watcher.poll();
      long now = System.currentTimeMillis();
      String content = DashboardJson.write(DashboardJson.state(snapshot, 0));
      if (!content.equals(stateWithoutTime)) {
        stateWithoutTime = content;
        state = DashboardJson.write(DashboardJson.state(snapshot, now));
        server.broadcast(state);
      }
    } catch (RuntimeException e) {
      LOG.warn("dashboard: reading the run failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
    try {
      poller.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
    watcher.close();
    admin.close(Duration.ofSeconds(5));
  }
}
