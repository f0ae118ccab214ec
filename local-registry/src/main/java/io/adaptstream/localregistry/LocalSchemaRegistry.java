package io.adaptstream.localregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.adaptstream.schemas.registry.Compatibility;
import io.adaptstream.schemas.registry.SchemaRegistryClient;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry speaking the Confluent REST API, for local mode and tests.
 *
 * <p>No Confluent registry server can be had from Maven Central, so local mode runs this one in-process. It
 * binds to 127.0.0.1 only, serves the subset of the API that Confluent's clients use (register, get by id,
 * subjects, versions, lookup, compatibility, config) with Confluent's answer and error formats, and decides
 * compatibility with Avro's own {@link org.apache.avro.SchemaCompatibility}. With a state file it appends
 * every change (one JSON line each) and reloads it on start, so ids stay stable across restarts.
 *
 * <p>Deployments use a real Confluent Schema Registry (see compose/), so this server lives in a module of its
 * own: only the CLI (local mode) and test-support depend on it, and no service ships it.
 */
public final class LocalSchemaRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalSchemaRegistry.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] LOOPBACK = {127, 0, 0, 1};

  private final HttpServer server;
  private final ExecutorService executor;
  private final Path stateFile;

  // all guarded by this
  private final Map<String, List<Integer>> subjects = new TreeMap<>(); // subject -> schema ids, version order
  private final List<String> schemas = new ArrayList<>();             // id - 1 -> canonical schema text
  private final Map<String, Integer> idsBySchema = new LinkedHashMap<>();
  private final Map<String, Compatibility> subjectConfig = new TreeMap<>();
  private Compatibility global = Compatibility.BACKWARD;

  private LocalSchemaRegistry(int port, Path stateFile) throws IOException {
    this.stateFile = stateFile;
    if (stateFile != null) {
      load();
    }
    // the IPv4 literal, not getLoopbackAddress() (::1 when IPv6 is preferred), so url() names the bound address
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(LOOPBACK), port), 64);
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "schema-registry");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    LOG.info("schema registry listening on {}", url());
  }

  /** An in-memory registry on a free port. */
  public static LocalSchemaRegistry start() throws IOException {
    return new LocalSchemaRegistry(0, null);
  }

  /** A registry on {@code port} (0 = any free one) persisting to {@code stateFile} (null = in memory). */
  public static LocalSchemaRegistry start(int port, Path stateFile) throws IOException {
    return new LocalSchemaRegistry(port, stateFile);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The address the server is bound to: always 127.0.0.1, so nothing outside this machine can reach it. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------- HTTP

  private void handle(HttpExchange ex) throws IOException {
    try {
      String method = ex.getRequestMethod();
      String[] parts = ex.getRequestURI().getRawPath().replaceAll("^/+|/+$", "").split("/");
      for (int i = 0; i < parts.length; i++) {
        parts[i] = URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
      }
      JsonNode body = readBody(ex);
      Answer answer;
      try {
        answer = route(method, parts, body);
      } catch (ApiError e) {
        answer = new Answer(e.status, JSON.createObjectNode().put("error_code", e.code).put("message", e.getMessage()));
      } catch (RuntimeException e) {
        LOG.warn("schema registry request {} {} failed", method, ex.getRequestURI(), e);
        answer = new Answer(500, JSON.createObjectNode().put("error_code", 50001).put("message", "Error in the backend data store: " + e));
      }
      byte[] bytes = JSON.writeValueAsBytes(answer.body);
      ex.getResponseHeaders().set("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
      ex.sendResponseHeaders(answer.status, bytes.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(bytes);
      }
    } finally {
      ex.close();
    }
  }

  private static JsonNode readBody(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] raw = in.readAllBytes();
      if (raw.length == 0) {
        return null;
      }
      try {
        return JSON.readTree(raw);
      } catch (IOException e) {
        return JSON.createObjectNode().put("__unparseable", true);
      }
    }
  }

  private record Answer(int status, JsonNode body) {}

  private static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final int code;

    ApiError(int status, int code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  private synchronized Answer route(String method, String[] p, JsonNode body) {
    int n = p.length;
    String root = n > 0 ? p[0] : "";
    switch (root) {
      case "" -> {
        return ok(JSON.createObjectNode());
      }
      case "subjects" -> {
        if (n == 1 && method.equals("GET")) {
          ArrayNode arr = JSON.createArrayNode();
          subjects.keySet().forEach(arr::add);
          return ok(arr);
        }
        if (n == 2 && method.equals("POST")) {
          return ok(lookup(p[1], schemaOf(body)));
        }
        if (n == 3 && p[2].equals("versions") && method.equals("GET")) {
          List<Integer> ids = existing(p[1]);
          ArrayNode arr = JSON.createArrayNode();
          for (int v = 1; v <= ids.size(); v++) {
            arr.add(v);
          }
          return ok(arr);
        }
        if (n == 3 && p[2].equals("versions") && method.equals("POST")) {
          return ok(JSON.createObjectNode().put("id", register(p[1], schemaOf(body))));
        }
        if (n == 4 && p[2].equals("versions") && method.equals("GET")) {
          List<Integer> ids = existing(p[1]);
          int v = versionIndex(p[3], ids);
          return ok(versionNode(p[1], v, ids.get(v - 1)));
        }
      }
      case "schemas" -> {
        if (n == 3 && p[1].equals("ids") && method.equals("GET")) {
          int id = parseInt(p[2], 40403, "Schema " + p[2] + " not found");
          if (id < 1 || id > schemas.size()) {
            throw new ApiError(404, 40403, "Schema " + id + " not found");
          }
          return ok(JSON.createObjectNode().put("schema", schemas.get(id - 1)));
        }
      }
      case "compatibility" -> {
        if (n == 5 && p[1].equals("subjects") && p[3].equals("versions") && method.equals("POST")) {
          Schema candidate = schemaOf(body);
          List<Integer> ids = existing(p[2]);
          int v = versionIndex(p[4], ids);
          List<Schema> previous = new ArrayList<>();
          List<Integer> against = "latest".equals(p[4]) ? ids : ids.subList(0, v);
          for (int id : against) {
            previous.add(parse(schemas.get(id - 1)));
          }
          boolean compatible = levelFor(p[2]).allows(candidate, previous);
          return ok(JSON.createObjectNode().put("is_compatible", compatible));
        }
      }
      case "config" -> {
        if (n == 1 && method.equals("GET")) {
          return ok(JSON.createObjectNode().put("compatibilityLevel", global.name()));
        }
        if (n == 1 && method.equals("PUT")) {
          Compatibility level = levelOf(body);
          global = level;
          persist(JSON.createObjectNode().put("op", "config").put("compatibility", level.name()));
          return ok(JSON.createObjectNode().put("compatibility", level.name()));
        }
        if (n == 2 && method.equals("GET")) {
          Compatibility level = subjectConfig.get(p[1]);
          if (level == null) {
            throw new ApiError(404, 40408, "Subject '" + p[1] + "' does not have subject-level compatibility configured");
          }
          return ok(JSON.createObjectNode().put("compatibilityLevel", level.name()));
        }
        if (n == 2 && method.equals("PUT")) {
          Compatibility level = levelOf(body);
          subjectConfig.put(p[1], level);
          persist(JSON.createObjectNode().put("op", "config").put("subject", p[1]).put("compatibility", level.name()));
          return ok(JSON.createObjectNode().put("compatibility", level.name()));
        }
      }
      default -> {
        // fall through to 404
      }
    }
    throw new ApiError(404, 404, "HTTP 404 Not Found");
  }

  private static Answer ok(JsonNode body) {
    return new Answer(200, body);
  }

  private List<Integer> existing(String subject) {
    List<Integer> ids = subjects.get(subject);
    if (ids == null) {
      throw new ApiError(404, 40401, "Subject '" + subject + "' not found.");
    }
    return ids;
  }

  private static int versionIndex(String version, List<Integer> ids) {
    if ("latest".equals(version) || "-1".equals(version)) {
      return ids.size();
    }
    int v = parseInt(version, 42202, "The specified version '" + version + "' is not a valid version id.");
    if (v < 1) {
      throw new ApiError(422, 42202, "The specified version '" + version + "' is not a valid version id.");
    }
    if (v > ids.size()) {
      throw new ApiError(404, 40402, "Version " + v + " not found.");
    }
    return v;
  }

  private static int parseInt(String s, int code, String message) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new ApiError(code / 100 == 404 ? 404 : 422, code, message);
    }
  }

  private ObjectNode versionNode(String subject, int version, int id) {
    return JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id)
        .put("schema", schemas.get(id - 1));
  }

  private Compatibility levelFor(String subject) {
    return subjectConfig.getOrDefault(subject, global);
  }

  private static Compatibility levelOf(JsonNode body) {
    String level = body == null ? null : body.path("compatibility").asText(null);
    try {
      return Compatibility.valueOf(level);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ApiError(422, 42203, "Invalid compatibility level. Valid values are none, backward, forward, full, "
          + "backward_transitive, forward_transitive, and full_transitive");
    }
  }

  private static Schema schemaOf(JsonNode body) {
    if (body == null || !body.hasNonNull("schema")) {
      throw new ApiError(422, 42201, "Empty schema");
    }
    String type = body.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw new ApiError(422, 42201, "Invalid schema: only AVRO is supported by this registry, got " + type);
    }
    if (body.hasNonNull("references") && body.get("references").size() > 0) {
      throw new ApiError(422, 42201, "Invalid schema: schema references are not supported by this registry");
    }
    return parse(body.get("schema").asText());
  }

  private static Schema parse(String text) {
    try {
      return new Schema.Parser().parse(text);
    } catch (SchemaParseException e) {
      throw new ApiError(422, 42201, "Invalid schema " + e.getMessage());
    }
  }

  private ObjectNode lookup(String subject, Schema schema) {
    List<Integer> ids = existing(subject);
    Integer id = idsBySchema.get(schema.toString());
    int v = id == null ? -1 : ids.indexOf(id);
    if (v < 0) {
      throw new ApiError(404, 40403, "Schema not found");
    }
    return versionNode(subject, v + 1, id);
  }

  private int register(String subject, Schema schema) {
    String canonical = schema.toString();
    List<Integer> ids = subjects.getOrDefault(subject, List.of());
    Integer known = idsBySchema.get(canonical);
    if (known != null && ids.contains(known)) {
      return known; // idempotent
    }
    List<Schema> previous = new ArrayList<>();
    for (int id : ids) {
      previous.add(parse(schemas.get(id - 1)));
    }
    Compatibility level = levelFor(subject);
    if (!level.allows(schema, previous)) {
      throw new ApiError(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
          + subject + "\" (compatibility " + level + ")");
    }
    int id = known != null ? known : addSchema(canonical);
    subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
    persist(JSON.createObjectNode().put("op", "register").put("subject", subject).put("id", id).put("schema", canonical));
    return id;
  }

  private int addSchema(String canonical) {
    schemas.add(canonical);
    idsBySchema.put(canonical, schemas.size());
    return schemas.size();
  }

  // ---------------------------------------------------------------- persistence

  private void persist(ObjectNode entry) {
    if (stateFile == null) {
      return;
    }
    try (BufferedWriter w = Files.newBufferedWriter(stateFile, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
      w.write(entry.toString());
      w.write('\n');
    } catch (IOException e) {
      throw new IllegalStateException("cannot write schema registry state to " + stateFile, e);
    }
  }

  private void load() throws IOException {
    if (!Files.exists(stateFile)) {
      return;
    }
    int lineNo = 0;
    for (String line : Files.readAllLines(stateFile, StandardCharsets.UTF_8)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode e;
      try {
        e = JSON.readTree(line);
      } catch (IOException ex) {
        // a torn last line after a crash: everything before it is intact
        LOG.warn("ignoring unreadable line {} of {}", lineNo, stateFile);
        continue;
      }
      switch (e.path("op").asText()) {
        case "register" -> {
          String canonical = e.get("schema").asText();
          int id = idsBySchema.computeIfAbsent(canonical, c -> {
            schemas.add(c);
            return schemas.size();
          });
          if (id != e.get("id").asInt()) {
            throw new IOException("schema registry state " + stateFile + " is inconsistent at line " + lineNo);
          }
          subjects.computeIfAbsent(e.get("subject").asText(), s -> new ArrayList<>()).add(id);
        }
        case "config" -> {
          Compatibility level = Compatibility.valueOf(e.get("compatibility").asText());
          if (e.hasNonNull("subject")) {
            subjectConfig.put(e.get("subject").asText(), level);
          } else {
            global = level;
          }
        }
        default -> LOG.warn("ignoring unknown entry at line {} of {}", lineNo, stateFile);
      }
    }
  }
}
