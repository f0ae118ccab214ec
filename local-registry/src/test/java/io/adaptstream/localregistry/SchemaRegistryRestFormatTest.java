package io.adaptstream.localregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.adaptstream.schemas.registry.SchemaRegistryClient;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Our client's requests and our server's answers, checked against the formats in Confluent's Schema Registry
 * API reference (docs.confluent.io/platform/current/schema-registry/develop/api.html), so both interoperate
 * with Confluent's own registry and clients.
 */
class SchemaRegistryRestFormatTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A stand-in Confluent registry that records what the client sends and answers with documented bodies. */
  @Nested
  class ClientRequests {
    private final List<String> seen = new ArrayList<>();
    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    private HttpServer server;

    private SchemaRegistryClient clientAnswering(int status, String body) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", ex -> {
        String req = ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath();
        seen.add(req + " | " + ex.getRequestHeaders().getFirst("Content-Type"));
        bodies.put(req, new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        byte[] out = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
        ex.close();
      });
      server.start();
      return new SchemaRegistryClient("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
      server.stop(0);
    }

    @Test
    void shouldRegisterWithConfluentsRequestFormat() throws Exception {
      SchemaRegistryClient client = clientAnswering(200, "{\"id\":1}");
      Schema schema = Schema.create(Schema.Type.STRING);

      int id = client.register("Kafka-value", schema);

      assertThat(id).isEqualTo(1);
      assertThat(seen).containsExactly(
          "POST /subjects/Kafka-value/versions | application/vnd.schemaregistry.v1+json");
      JsonNode body = JSON.readTree(bodies.get("POST /subjects/Kafka-value/versions"));
      assertThat(body.fieldNames()).toIterable().containsExactly("schema");
      assertThat(body.get("schema").asText()).isEqualTo("\"string\"");
    }

    @Test
    void shouldCacheRegistrations() throws Exception {
      SchemaRegistryClient client = clientAnswering(200, "{\"id\":7}");
      Schema schema = Schema.create(Schema.Type.LONG);

      client.register("s-value", schema);
      client.register("s-value", schema);

      assertThat(seen).hasSize(1);
      assertThat(client.getById(7)).isEqualTo(schema); // from the cache: no GET was needed
      assertThat(seen).hasSize(1);
    }

    @Test
    void shouldReadSchemaByIdAnswer() throws Exception {
      SchemaRegistryClient client = clientAnswering(200, "{\"schema\":\"{\\\"type\\\": \\\"string\\\"}\"}");

      assertThat(client.getById(1)).isEqualTo(Schema.create(Schema.Type.STRING));
      assertThat(seen).containsExactly("GET /schemas/ids/1 | null");
    }

    @Test
    void shouldSurfaceConfluentErrorCodes() throws Exception {
      SchemaRegistryClient client = clientAnswering(404, "{\"error_code\":40401,\"message\":\"Subject not found.\"}");

      assertThatThrownBy(() -> client.versions("missing-value"))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.errorCode()).isEqualTo(40401);
          })
          .hasMessageContaining("Subject not found.");
    }

    @Test
    void shouldEncodeSubjectNamesInPaths() throws Exception {
      SchemaRegistryClient client = clientAnswering(200, "[1]");

      client.versions("my topic-value");

      assertThat(seen).containsExactly("GET /subjects/my%20topic-value/versions | null");
    }
  }

  /** Requests exactly as Confluent's docs show them (curl examples), against our local server. */
  @Nested
  class ServerAnswers {
    private final LocalSchemaRegistry registry;
    private final HttpClient http = HttpClient.newHttpClient();

    ServerAnswers() throws IOException {
      registry = LocalSchemaRegistry.start();
    }

    @AfterEach
    void stop() {
      registry.close();
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(registry.url() + path))
          .header("Content-Type", "application/vnd.schemaregistry.v1+json");
      b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerTheDocumentedRegisterAndFetchExchange() throws Exception {
      HttpResponse<String> reg = call("POST", "/subjects/Kafka-key/versions", "{\"schema\": \"{\\\"type\\\": \\\"string\\\"}\"}");
      assertThat(reg.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(reg.body())).isEqualTo(JSON.readTree("{\"id\":1}"));
      assertThat(reg.headers().firstValue("Content-Type")).contains("application/vnd.schemaregistry.v1+json");

      HttpResponse<String> byId = call("GET", "/schemas/ids/1", null);
      assertThat(JSON.readTree(byId.body())).isEqualTo(JSON.readTree("{\"schema\":\"\\\"string\\\"\"}"));

      HttpResponse<String> latest = call("GET", "/subjects/Kafka-key/versions/latest", null);
      assertThat(JSON.readTree(latest.body())).isEqualTo(JSON.readTree(
          "{\"subject\":\"Kafka-key\",\"version\":1,\"id\":1,\"schema\":\"\\\"string\\\"\"}"));

      assertThat(JSON.readTree(call("GET", "/subjects", null).body())).isEqualTo(JSON.readTree("[\"Kafka-key\"]"));
      assertThat(JSON.readTree(call("GET", "/subjects/Kafka-key/versions", null).body()))
          .isEqualTo(JSON.readTree("[1]"));
    }

    @Test
    void shouldGiveTheSameIdToTheSameSchemaUnderAnotherSubject() throws Exception {
      call("POST", "/subjects/a-value/versions", "{\"schema\": \"\\\"string\\\"\"}");
      HttpResponse<String> other = call("POST", "/subjects/b-value/versions", "{\"schema\": \"\\\"string\\\"\"}");

      assertThat(JSON.readTree(other.body()).get("id").asInt()).isEqualTo(1);
    }

    @Test
    void shouldAnswerDocumentedErrorBodies() throws Exception {
      HttpResponse<String> noSubject = call("GET", "/subjects/nope/versions", null);
      assertThat(noSubject.statusCode()).isEqualTo(404);
      assertThat(JSON.readTree(noSubject.body()).get("error_code").asInt()).isEqualTo(40401);

      HttpResponse<String> noSchema = call("GET", "/schemas/ids/42", null);
      assertThat(noSchema.statusCode()).isEqualTo(404);
      assertThat(JSON.readTree(noSchema.body()).get("error_code").asInt()).isEqualTo(40403);

      HttpResponse<String> invalid = call("POST", "/subjects/x-value/versions", "{\"schema\": \"{not avro\"}");
      assertThat(invalid.statusCode()).isEqualTo(422);
      assertThat(JSON.readTree(invalid.body()).get("error_code").asInt()).isEqualTo(42201);
    }

    @Test
    void shouldAnswerCompatibilityChecksAndConfig() throws Exception {
      String v1 = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"R\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"string\\\"}]}";
      call("POST", "/subjects/r-value/versions", "{\"schema\": \"" + v1 + "\"}");
      String v2bad = v1.replace("]}", ",{\\\"name\\\":\\\"b\\\",\\\"type\\\":\\\"int\\\"}]}");

      HttpResponse<String> check = call("POST", "/compatibility/subjects/r-value/versions/latest", "{\"schema\": \"" + v2bad + "\"}");
      assertThat(JSON.readTree(check.body())).isEqualTo(JSON.readTree("{\"is_compatible\":false}"));

      HttpResponse<String> put = call("PUT", "/config/r-value", "{\"compatibility\": \"NONE\"}");
      assertThat(JSON.readTree(put.body())).isEqualTo(JSON.readTree("{\"compatibility\":\"NONE\"}"));
      HttpResponse<String> recheck = call("POST", "/compatibility/subjects/r-value/versions/latest", "{\"schema\": \"" + v2bad + "\"}");
      assertThat(JSON.readTree(recheck.body()).get("is_compatible").asBoolean()).isTrue();
      assertThat(JSON.readTree(call("GET", "/config", null).body()))
          .isEqualTo(JSON.readTree("{\"compatibilityLevel\":\"BACKWARD\"}"));
    }
  }

  @Test
  void shouldListenOnLoopbackOnlyAndSayWhereWhenStartedWithDefaults() throws IOException {
    // when a registry starts with its defaults
    try (LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
      // then it is bound to 127.0.0.1, not to every interface, and its URL names that address
      assertThat(registry.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(registry.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(registry.url()).isEqualTo("http://127.0.0.1:" + registry.address().getPort());
    }
  }
}
