package io.adaptstream.cli.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.adaptstream.avro.Sample;
import io.adaptstream.blob.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's HTTP side (JDK {@link HttpServer}, as the selector's query server): GET only, every answer with
 * {@code nosniff} and a same-origin content security policy.
 *
 * <ul>
 *   <li>{@code /}, {@code /app.js}, {@code /style.css}: the page, from this jar;</li>
 *   <li>{@code /api/state}: the run's state as JSON ({@link DashboardJson#state});</li>
 *   <li>{@code /events}: server-sent events, one {@code state} event with the whole state whenever it changes
 *       (and one on connecting), a comment every 15 s to keep the connection open;</li>
 *   <li>{@code /api/explain?step=T&id=SHA256}: a sample's story at step T: the selector's record of it
 *       ({@code GET /steps/T/samples/ID} of its query server, passed through) and the sample itself from the
 *       ingest log;</li>
 *   <li>{@code /images/SHA256}: an image's bytes from the blob store, its content type sniffed from the bytes. The
 *       key must be 64 lowercase hex characters (400 otherwise), so no request can name a path.</li>
 * </ul>
 */
final class DashboardServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
  static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern STEP = Pattern.compile("[0-9]{1,9}");
  private static final Pattern IMAGE = Pattern.compile("^/images/(.*)$");
  private static final Map<String, String> STATIC = Map.of(
      "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/style.css", "style.css");
  private static final String WEB = "/io/adaptstream/cli/dashboard/web/";
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  private static final long MAX_IMAGE_BYTES = 32L << 20;
  private static final String END = "";

  /** What the explain endpoint needs: the selector's address and the ingest log. */
  interface Samples {
    Optional<URI> selectorUrl();

    Optional<Sample> find(String sampleId);
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Supplier<String> state;
  private final Samples samples;
  private final Optional<Path> blobStore;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Set<BlockingQueue<String>> clients = new CopyOnWriteArraySet<>();
  private volatile boolean closed;

  private DashboardServer(HttpServer server, ExecutorService executor, Supplier<String> state, Samples samples,
      Optional<Path> blobStore) {
    this.server = server;
    this.executor = executor;
    this.state = state;
    this.samples = samples;
    this.blobStore = blobStore;
  }

  /**
   * Binds {@code host:port} (port 0 picks a free one) and starts answering.
   *
   * @param state the current state JSON
   */
  static DashboardServer start(String host, int port, Supplier<String> state, Samples samples,
      Optional<Path> blobStore) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "dashboard-http");
      t.setDaemon(true);
      return t;
    });
    DashboardServer ds = new DashboardServer(server, executor, state, samples, blobStore);
    server.setExecutor(executor);
    server.createContext("/", ds::handle);
    server.start();
    return ds;
  }

  URI uri() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/");
  }

  /** Sends {@code json} as a {@code state} event to every connected page. */
  void broadcast(String json) {
    String event = DashboardJson.sseEvent("state", json);
    for (BlockingQueue<String> q : clients) {
      offerLatest(q, event);
    }
  }

  /** Every event carries the whole state, so a page that lags only needs the newest one. */
  private static void offerLatest(BlockingQueue<String> q, String event) {
    while (!q.offer(event)) {
      q.poll();
    }
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      var h = exchange.getResponseHeaders();
      h.set("X-Content-Type-Options", "nosniff");
      h.set("Content-Security-Policy", "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
          + "connect-src 'self'; frame-ancestors 'none'");
      h.set("Referrer-Policy", "no-referrer");
      if (!"GET".equals(exchange.getRequestMethod())) {
        respondJson(exchange, 405, error("only GET"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (STATIC.containsKey(path)) {
        serveStatic(exchange, STATIC.get(path));
      } else if (path.equals("/api/state")) {
        respond(exchange, 200, "application/json; charset=utf-8", state.get().getBytes(StandardCharsets.UTF_8));
      } else if (path.equals("/events")) {
        events(exchange);
      } else if (path.equals("/api/explain")) {
        explain(exchange);
      } else {
        Matcher m = IMAGE.matcher(path);
        if (m.matches()) {
          image(exchange, m.group(1));
        } else {
          respondJson(exchange, 404, error("not found"));
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        LOG.debug("dashboard request {} failed: {}", exchange.getRequestURI(), e.toString());
      }
    }
  }

  private void serveStatic(HttpExchange exchange, String name) throws IOException {
    try (InputStream in = DashboardServer.class.getResourceAsStream(WEB + name)) {
      if (in == null) {
        respondJson(exchange, 404, error("not found"));
        return;
      }
      String type = name.endsWith(".html") ? "text/html; charset=utf-8"
          : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
      respond(exchange, 200, type, in.readAllBytes());
    }
  }

  private void events(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    BlockingQueue<String> queue = new LinkedBlockingQueue<>(4);
    queue.add(DashboardJson.sseEvent("state", state.get()));
    clients.add(queue);
    try (OutputStream out = exchange.getResponseBody()) {
      while (!closed) {
        String event = queue.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
        if (END.equals(event)) {
          break;
        }
        out.write((event == null ? ": keep-alive\n\n" : event).getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      clients.remove(queue);
    }
  }

  private void explain(HttpExchange exchange) throws IOException {
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    String id = q.getOrDefault("id", "").trim().toLowerCase(java.util.Locale.ROOT);
    String step = q.getOrDefault("step", "").trim();
    if (!HEX.matcher(id).matches()) {
      respondJson(exchange, 400, error("a sample id is a sha256: 64 hex characters"));
      return;
    }
    if (!STEP.matcher(step).matches()) {
      respondJson(exchange, 400, error("a step is a number"));
      return;
    }
    ObjectNode out = DashboardJson.JSON.createObjectNode();
    out.put("sampleId", id);
    out.put("step", Integer.parseInt(step));
    ObjectNode prov = out.putObject("provenance");
    Optional<URI> selector = samples.selectorUrl();
    if (selector.isEmpty()) {
      prov.put("status", "unavailable").put("reason", "the selector's address is not known");
    } else {
      provenance(selector.get().resolve("/steps/" + Integer.parseInt(step) + "/samples/" + id), prov);
    }
    try {
      samples.find(id).ifPresentOrElse(s -> out.set("sample", DashboardJson.sample(s)), () -> {
        out.putNull("sample");
        out.put("sampleProblem", "no sample with this id in the ingest log");
      });
    } catch (RuntimeException e) {
      out.putNull("sample");
      out.put("sampleProblem", "cannot read the ingest log: " + e.getMessage());
    }
    respondJson(exchange, 200, out);
  }

  /** The selector's record of a sample: {@code found} with it, {@code no record} (404), or {@code unavailable}. */
  private void provenance(URI uri, ObjectNode prov) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        prov.put("status", "found");
        prov.set("record", DashboardJson.JSON.readTree(r.body()));
      } else if (r.statusCode() == 404) {
        prov.put("status", "no record");
        prov.put("reason", reason(r.body()));
      } else {
        prov.put("status", "unavailable");
        prov.put("reason", "the selector answered " + r.statusCode() + ": " + reason(r.body()));
      }
    } catch (IOException e) {
      prov.put("status", "unavailable").put("reason", "cannot reach the selector: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      prov.put("status", "unavailable").put("reason", "interrupted");
    }
  }

  private static String reason(String body) {
    try {
      JsonNode n = DashboardJson.JSON.readTree(body);
      if (n != null && n.hasNonNull("error")) {
        return n.get("error").asText();
      }
    } catch (IOException e) {
      // not JSON: the body itself, cut short
    }
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }

  private void image(HttpExchange exchange, String key) throws IOException {
    if (!HEX.matcher(key).matches()) {
      respondJson(exchange, 400, error("an image key is a sha256: 64 lowercase hex characters"));
      return;
    }
    if (blobStore.isEmpty()) {
      respondJson(exchange, 404, error("no blob store known to the dashboard"));
      return;
    }
    byte[] bytes;
    try (InputStream in = BlobStore.at(blobStore.get().toString()).open(key)) {
      bytes = in.readNBytes((int) MAX_IMAGE_BYTES + 1);
      if (bytes.length > MAX_IMAGE_BYTES) {
        respondJson(exchange, 413, error("image larger than " + (MAX_IMAGE_BYTES >> 20) + " MiB"));
        return;
      }
      in.transferTo(OutputStream.nullOutputStream()); // the store verifies the digest at the end
    } catch (NoSuchFileException e) {
      respondJson(exchange, 404, error("no such image"));
      return;
    }
    exchange.getResponseHeaders().set("Cache-Control", "max-age=86400, immutable");
    respond(exchange, 200, ImageTypes.sniff(bytes), bytes);
  }

  /** The decoded parameters of a query string (the last of a repeated name wins). */
  static Map<String, String> query(String raw) {
    Map<String, String> m = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        m.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // a malformed escape: the parameter is ignored
      }
    }
    return m;
  }

  private static ObjectNode error(String message) {
    return DashboardJson.JSON.createObjectNode().put("error", message);
  }

  private static void respondJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
    respond(exchange, status, "application/json; charset=utf-8",
        DashboardJson.write(body).getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    closed = true;
    for (BlockingQueue<String> q : clients) {
      offerLatest(q, END);
    }
    server.stop(0);
    executor.shutdownNow();
  }

  /** For tests: how many pages are connected to {@code /events}. */
  int connectedPages() {
    return clients.size();
  }
}
