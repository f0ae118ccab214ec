package io.adaptstream.selector.query;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The selector's interactive-query server (JDK {@link HttpServer}, JSON via Jackson). It answers for the whole
 * application: it reads its own instance's stores and asks every other instance (found through Kafka Streams'
 * metadata, at the {@code application.server} each one advertises) for theirs with {@code ?local=true}, then
 * merges.
 *
 * <ul>
 *   <li>{@code GET /steps}: every step, {@link StepView}s in step order;</li>
 *   <li>{@code GET /steps/{t}}: one step (404 if it has not started);</li>
 *   <li>{@code GET /steps/{t}/clusters}: {@link ClusterView}s in cluster order;</li>
 *   <li>{@code GET /steps/{t}/selections}: {@link SelectionView}s in sample-id order;</li>
 *   <li>{@code GET /steps/{t}/samples/{id}}: the sample's {@link ProvenanceView} at step t (404, with the reason,
 *       when the step has not decided it, the sample was not in its pool, or provenance is off);</li>
 *   <li>{@code GET /pool}: {@link PoolView}.</li>
 * </ul>
 * 503 while stores are unavailable (a rebalance that outlasts the retries, or the application not running).
 */
public final class QueryServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
  private static final Pattern STEP = Pattern.compile("^/steps/(\\d{1,9})(/clusters|/selections)?/?$");
  private static final Pattern SAMPLE = Pattern.compile("^/steps/(\\d{1,9})/samples/([A-Za-z0-9._-]{1,200})/?$");
  private static final Duration STORE_RETRY = Duration.ofSeconds(10);

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final HostInfo self;
  private volatile KafkaStreams streams;
  private volatile boolean provenance;

  private QueryServer(HttpServer server, ExecutorService executor, HostInfo self) {
    this.server = server;
    this.executor = executor;
    this.self = self;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Binds {@code host:port} (port 0 picks a free one) and starts answering; 503 until {@link #attach}. */
  public static QueryServer start(String host, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "selector-query");
      t.setDaemon(true);
      return t;
    });
    QueryServer qs = new QueryServer(server, executor, new HostInfo(host, server.getAddress().getPort()));
    server.setExecutor(executor);
    server.createContext("/", qs::handle);
    server.start();
    LOG.info("selector query server on http://{}", qs.hostPort());
    return qs;
  }

  /** The address the server is bound to ({@code selector.http.host}, 127.0.0.1 by default). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** {@code host:port}, as advertised in {@code application.server}. */
  public String hostPort() {
    return self.host() + ":" + self.port();
  }

  public URI uri() {
    return URI.create("http://" + hostPort());
  }

  public void attach(KafkaStreams streams) {
    this.streams = streams;
  }

  /**
   * Attaches the application, saying whether it keeps provenance ({@code selector.provenance}); without it
   * {@code /steps/{t}/samples/{id}} says provenance is off.
   */
  public void attach(KafkaStreams streams, boolean keepsProvenance) {
    this.provenance = keepsProvenance;
    this.streams = streams;
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, Map.of("error", "only GET"));
        return;
      }
      KafkaStreams ks = streams;
      if (ks == null) {
        respond(exchange, 503, Map.of("error", "the selector is starting"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      boolean local = Optional.ofNullable(exchange.getRequestURI().getQuery()).orElse("").contains("local=true");
      SelectorQueries q = new SelectorQueries(ks, self, STORE_RETRY);
      Matcher sample = SAMPLE.matcher(path);
      if (sample.matches()) {
        answerSample(exchange, ks, q, path, local, Integer.parseInt(sample.group(1)), sample.group(2));
        return;
      }
      Object body = route(ks, q, path, local);
      if (body == null) {
        respond(exchange, 404, Map.of("error", "not found: " + path));
      } else {
        respond(exchange, 200, body);
      }
    } catch (SelectorQueries.Unavailable e) {
      respondQuietly(exchange, 503, Map.of("error", e.getMessage()));
    } catch (RuntimeException | IOException e) {
      LOG.warn("query {} failed", exchange.getRequestURI(), e);
      respondQuietly(exchange, 500, Map.of("error", String.valueOf(e.getMessage())));
    }
  }

  private Object route(KafkaStreams ks, SelectorQueries q, String path, boolean local) throws IOException {
    if (path.equals("/pool") || path.equals("/pool/")) {
      PoolView mine = q.pool();
      for (PoolView other : remote(ks, path, local, new TypeReference<PoolView>() {})) {
        mine = mine.plus(other);
      }
      return mine;
    }
    if (path.equals("/steps") || path.equals("/steps/")) {
      return merged(q.steps(), remote(ks, path, local, new TypeReference<List<StepView>>() {}), StepView::step,
          (a, b) -> a);
    }
    Matcher m = STEP.matcher(path);
    if (!m.matches()) {
      return null;
    }
    int step = Integer.parseInt(m.group(1));
    String sub = m.group(2);
    if (sub == null) {
      List<StepView> all = new ArrayList<>();
      q.step(step).ifPresent(all::add);
      if (!local) {
        all = merged(all, remoteOptional(ks, path), StepView::step, (a, b) -> a);
      }
      return all.isEmpty() ? null : all.get(0);
    }
    if (sub.equals("/clusters")) {
      return merged(q.clusters(step), remote(ks, path, local, new TypeReference<List<ClusterView>>() {}),
          ClusterView::cluster, ClusterView::merge);
    }
    return merged(q.selections(step), remote(ks, path, local, new TypeReference<List<SelectionView>>() {}),
        SelectionView::sampleId, (a, b) -> a);
  }

  /** {@code /steps/{t}/samples/{id}}: this instance's store, else the other instances'; 404 with the reason. */
  private void answerSample(HttpExchange exchange, KafkaStreams ks, SelectorQueries q, String path, boolean local,
      int step, String sampleId) throws IOException {
    if (!provenance) {
      respond(exchange, 404, Map.of("error", "provenance is off in this selector (selector.provenance=false)"));
      return;
    }
    Optional<ProvenanceView> found = q.provenance(step, sampleId);
    if (found.isEmpty() && !local) {
      for (String body : remoteBodies(ks, path)) {
        if (!body.isBlank()) {
          found = Optional.of(json.readValue(body, ProvenanceView.class));
          break;
        }
      }
    }
    if (found.isPresent()) {
      respond(exchange, 200, found.get());
    } else {
      respond(exchange, 404, Map.of("error", "no provenance of sample " + sampleId + " at step " + step
          + ": the step has not decided it yet, or the sample was not in its pool"));
    }
  }

  private List<StepView> remoteOptional(KafkaStreams ks, String path) throws IOException {
    List<StepView> out = new ArrayList<>();
    for (String body : remoteBodies(ks, path)) {
      if (!body.isBlank()) {
        out.add(json.readValue(body, StepView.class));
      }
    }
    return out;
  }

  private <T> List<T> remote(KafkaStreams ks, String path, boolean local, TypeReference<T> type) throws IOException {
    List<T> out = new ArrayList<>();
    if (local) {
      return out;
    }
    for (String body : remoteBodies(ks, path)) {
      if (!body.isBlank()) {
        out.add(json.readValue(body, type));
      }
    }
    return out;
  }

  /** Bodies of the other instances' local answers ("" for a 404). */
  private List<String> remoteBodies(KafkaStreams ks, String path) throws IOException {
    List<String> bodies = new ArrayList<>();
    for (StreamsMetadata md : ks.metadataForAllStreamsClients()) {
      HostInfo host = md.hostInfo();
      if (host.equals(self) || host.port() <= 0) {
        continue;
      }
      URI uri = URI.create("http://" + host.host() + ":" + host.port() + path + "?local=true");
      HttpResponse<String> r;
      try {
        r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted asking " + uri, e);
      }
      if (r.statusCode() == 404) {
        bodies.add("");
      } else if (r.statusCode() == 503) {
        throw new SelectorQueries.Unavailable("instance " + host + " is unavailable: " + r.body(), null);
      } else if (r.statusCode() != 200) {
        throw new IOException("instance " + host + " answered " + r.statusCode() + ": " + r.body());
      } else {
        bodies.add(r.body());
      }
    }
    return bodies;
  }

  /** Mine plus the others' lists, combined by key, in key order. */
  private static <T, K extends Comparable<K>> List<T> merged(List<T> mine, List<?> others, Function<T, K> key,
      java.util.function.BinaryOperator<T> combine) {
    Map<K, T> byKey = new TreeMap<>();
    mine.forEach(v -> byKey.merge(key.apply(v), v, combine));
    for (Object o : others) {
      if (o instanceof List<?> list) {
        for (Object v : list) {
          @SuppressWarnings("unchecked")
          T t = (T) v;
          byKey.merge(key.apply(t), t, combine);
        }
      } else {
        @SuppressWarnings("unchecked")
        T t = (T) o;
        byKey.merge(key.apply(t), t, combine);
      }
    }
    List<T> out = new ArrayList<>(byKey.values());
    out.sort(Comparator.comparing(key));
    return out;
  }

  private void respond(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void respondQuietly(HttpExchange exchange, int status, Object body) {
    try {
      respond(exchange, status, body);
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not answer {}", exchange.getRequestURI(), e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
