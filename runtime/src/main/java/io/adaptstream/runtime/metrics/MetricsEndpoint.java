package io.adaptstream.runtime.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Prometheus meter registry and the HTTP server that serves it: {@code GET /metrics} answers the registry in the
 * Prometheus text format (0.0.4). A service run alone ({@code adapt serve}) has one; local mode has one for all its
 * services, which record into the same registry with their own {@code service} tag.
 *
 * <p>The JDK's {@link HttpServer}, as the selector's query server uses: one path, no framework. It binds
 * {@code 127.0.0.1} unless told otherwise ({@link MetricsSettings}); a container that Prometheus scrapes over its
 * network binds {@code 0.0.0.0} in its config file.
 */
public final class MetricsEndpoint implements AutoCloseable {

  /** The one path served. */
  public static final String PATH = "/metrics";
  /** What the answer is: Prometheus text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsEndpoint(PrometheusMeterRegistry registry, JvmGcMetrics gc, HttpServer server,
      ExecutorService executor) {
    this.registry = registry;
    this.gc = gc;
    this.server = server;
    this.executor = executor;
  }

  /**
   * A new registry with the JVM's meters (memory, GC, threads, class loading, CPU, uptime) and, unless
   * {@code settings} turn it off, the server on {@code settings}' address and port.
   *
   * @throws IOException when the address cannot be bound (e.g. the port is taken)
   */
  public static MetricsEndpoint start(MetricsSettings settings) throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new StateStoreTags());
    JvmGcMetrics gc = new JvmGcMetrics();
    for (MeterBinder b : List.of(new ClassLoaderMetrics(), new JvmMemoryMetrics(), gc, new JvmThreadMetrics(),
        new ProcessorMetrics(), new UptimeMetrics())) {
      b.bindTo(registry);
    }
    if (!settings.enabled()) {
      return new MetricsEndpoint(registry, gc, null, null);
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 0);
    } catch (IOException | RuntimeException e) {
      gc.close();
      registry.close();
      throw new IOException("cannot serve metrics on " + settings.bindAddress() + ":" + settings.port() + ": "
          + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "metrics-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    MetricsEndpoint endpoint = new MetricsEndpoint(registry, gc, server, executor);
    server.createContext(PATH, endpoint::handle);
    server.start();
    LOG.info("metrics at {}", endpoint.uri().orElseThrow());
    return endpoint;
  }

  /** The registry the services record into. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** {@code http://host:port/metrics}, when the server runs. */
  public Optional<URI> uri() {
    if (server == null) {
      return Optional.empty();
    }
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? MetricsSettings.LOOPBACK : a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return Optional.of(URI.create("http://" + host + ":" + a.getPort() + PATH));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      if ("HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (RuntimeException e) {
      LOG.warn("answering a metrics scrape failed", e);
      throw e;
    }
  }

  /** Stops the server (if any) and closes the registry. */
  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
    }
    gc.close();
    registry.close();
  }
}
