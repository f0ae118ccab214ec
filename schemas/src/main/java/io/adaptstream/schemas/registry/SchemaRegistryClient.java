package io.adaptstream.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.schemas.Backoff;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client for the Confluent Schema Registry REST API (v1), with caches.
 *
 * <p>Confluent's own client and serdes are not published to Maven Central, so this part is ours. It speaks
 * only what the serde and the tools need: register under a subject, get a schema by id, list versions, look
 * up a schema, check compatibility, read and set the compatibility level. Requests and answers follow
 * Confluent's documented formats (content type {@code application/vnd.schemaregistry.v1+json}), so it works
 * against a real Confluent registry as well as against the in-process one of local mode and tests
 * ({@code io.adaptstream.localregistry.LocalSchemaRegistry}, module {@code local-registry}).
 *
 * <p>Thread-safe. Registrations and ids are cached: a schema registered once is never sent again by this
 * client, and an id is fetched once.
 *
 * <p>A registry that does not answer (or answers 5xx/429) is waited for with the {@link Backoff} given, each
 * retry logged at WARN: a restarting registry costs a pause, not a failed record. Past that, the call fails
 * with a message naming the registry's URL and the request.
 */
public final class SchemaRegistryClient {

  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
  /** Defaults of how long a call waits for an unavailable registry; services set theirs in their config. */
  public static final long DEFAULT_BACKOFF_MS = 200;
  public static final long DEFAULT_MAX_BACKOFF_MS = 5_000;
  public static final long DEFAULT_MAX_WAIT_MS = 30_000;
  public static final Backoff DEFAULT_BACKOFF = Backoff.within(Duration.ofMillis(DEFAULT_BACKOFF_MS),
      Duration.ofMillis(DEFAULT_MAX_BACKOFF_MS), Duration.ofMillis(DEFAULT_MAX_WAIT_MS));

  /** A subject's version as the registry reports it. */
  public record SchemaVersion(String subject, int version, int id, Schema schema) {}

  private final URI base;
  private final Backoff backoff;
  private final Retry retry;
  private final LongAdder retries = new LongAdder();
  private final HttpClient http;
  private final Map<String, Map<Schema, Integer>> registered = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();

  public SchemaRegistryClient(String baseUrl) {
    this(baseUrl, DEFAULT_BACKOFF);
  }

  /**
   * @param backoff how each call waits and tries again while the registry does not answer, or answers 5xx or
   *     429; a call that still fails throws a {@link SchemaRegistryException} naming the registry
   */
  public SchemaRegistryClient(String baseUrl, Backoff backoff) {
    this.backoff = backoff;
    if (baseUrl == null || baseUrl.isBlank()) {
      throw new IllegalArgumentException("schema registry url is empty");
    }
    String trimmed = baseUrl.trim().replaceAll("/+$", "");
    this.base = URI.create(trimmed + "/");
    if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
      throw new IllegalArgumentException("schema registry url must be http(s)://host:port, got " + baseUrl);
    }
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.retry = backoff.retry("schema registry " + base, SchemaRegistryClient::worthRetrying, LOG);
    retry.getEventPublisher().onRetry(e -> retries.increment());
  }

  /** How many times a call was tried again since this client was made (for status and tests). */
  public long retries() {
    return retries.sum();
  }

  public URI baseUrl() {
    return base;
  }

  /** {@code POST /subjects/{subject}/versions}: the schema's global id (the same schema gets the same id). */
  public int register(String subject, Schema schema) {
    Map<Schema, Integer> cache = registered.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer cached = cache.get(schema);
    if (cached != null) {
      return cached;
    }
    ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
    int id = send("POST", "subjects/" + enc(subject) + "/versions", body).get("id").asInt();
    cache.put(schema, id);
    byId.putIfAbsent(id, schema);
    return id;
  }

  /** {@code GET /schemas/ids/{id}}. */
  public Schema getById(int id) {
    Schema cached = byId.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("GET", "schemas/ids/" + id, null);
    String type = answer.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw new SchemaRegistryException(200, -1, "schema " + id + " is " + type + ", not AVRO");
    }
    Schema schema = new Schema.Parser().parse(answer.get("schema").asText());
    byId.putIfAbsent(id, schema);
    return byId.get(id);
  }

  /** {@code GET /subjects}. */
  public List<String> subjects() {
    List<String> out = new ArrayList<>();
    send("GET", "subjects", null).forEach(n -> out.add(n.asText()));
    return out;
  }

  /** {@code GET /subjects/{subject}/versions}. */
  public List<Integer> versions(String subject) {
    List<Integer> out = new ArrayList<>();
    send("GET", "subjects/" + enc(subject) + "/versions", null).forEach(n -> out.add(n.asInt()));
    return out;
  }

  /** {@code GET /subjects/{subject}/versions/{version}}; version may be "latest". */
  public SchemaVersion version(String subject, String version) {
    return toVersion(send("GET", "subjects/" + enc(subject) + "/versions/" + enc(version), null));
  }

  public SchemaVersion latest(String subject) {
    return version(subject, "latest");
  }

  /** {@code POST /subjects/{subject}}: the version holding this schema, if registered under the subject. */
  public Optional<SchemaVersion> lookup(String subject, Schema schema) {
    try {
      ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
      return Optional.of(toVersion(send("POST", "subjects/" + enc(subject), body)));
    } catch (SchemaRegistryException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** {@code POST /compatibility/subjects/{subject}/versions/latest}: may this schema be registered next? */
  public boolean isCompatible(String subject, Schema schema) {
    ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
    return send("POST", "compatibility/subjects/" + enc(subject) + "/versions/latest", body)
        .get("is_compatible").asBoolean();
  }

  /** {@code GET /config}: the global compatibility level. */
  public Compatibility globalCompatibility() {
    return Compatibility.valueOf(send("GET", "config", null).get("compatibilityLevel").asText());
  }

  /** {@code PUT /config} or {@code PUT /config/{subject}} when subject is not null. */
  public void setCompatibility(String subject, Compatibility level) {
    ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
    send("PUT", subject == null ? "config" : "config/" + enc(subject), body);
  }

  private static SchemaVersion toVersion(JsonNode n) {
    return new SchemaVersion(n.get("subject").asText(), n.get("version").asInt(), n.get("id").asInt(),
        new Schema.Parser().parse(n.get("schema").asText()));
  }

  private JsonNode send(String method, String path, JsonNode body) {
    HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(30))
        .header("Accept", ACCEPT);
    if (body != null) {
      req.header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    } else {
      req.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpRequest request = req.build();
    long start = System.nanoTime();
    try {
      return retry.executeSupplier(() -> sendOnce(request, method, path));
    } catch (SchemaRegistryException e) {
      if (!e.unavailable()) {
        throw e;
      }
      throw new SchemaRegistryException(String.format(Locale.ROOT,
          "schema registry at %s is unavailable: %s %s failed %d time(s) over %.1f s; last: %s", base, method,
          path, backoff.maxAttempts(), (System.nanoTime() - start) / 1e9, lastProblem(e)), e, e.status(),
          e.errorCode(), true);
    }
  }

  /** What went wrong in the last attempt: the I/O problem, or the registry's answer. */
  private static String lastProblem(SchemaRegistryException e) {
    return e.getCause() instanceof IOException io ? describe(io) : e.getMessage();
  }

  /** The exception's type and the first message down its causes (HttpClient's ConnectException has none). */
  private static String describe(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return e.getClass().getSimpleName() + ": " + t.getMessage();
      }
    }
    return e instanceof ConnectException ? "cannot connect (ConnectException)" : e.getClass().getSimpleName();
  }

  private static boolean worthRetrying(Throwable e) {
    return e instanceof SchemaRegistryException sre && sre.unavailable();
  }

  private JsonNode sendOnce(HttpRequest request, String method, String path) {
    try {
      HttpResponse<String> res = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode json;
      try {
        json = res.body().isEmpty() ? JSON.nullNode() : JSON.readTree(res.body());
      } catch (IOException notJson) {
        if (res.statusCode() / 100 == 2) {
          throw new SchemaRegistryException(res.statusCode(), -1, method + " " + path
              + ": the answer is not JSON; is " + base + " a schema registry?");
        }
        json = JSON.nullNode(); // an error page of a proxy, say: the status tells what happened
      }
      if (res.statusCode() / 100 == 2) {
        return json;
      }
      throw new SchemaRegistryException(res.statusCode(), json.path("error_code").asInt(res.statusCode()),
          method + " " + path + ": " + json.path("message").asText(res.body()));
    } catch (IOException e) {
      throw new SchemaRegistryException(method + " " + path + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("interrupted talking to " + base, e, -1, -1, false);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
