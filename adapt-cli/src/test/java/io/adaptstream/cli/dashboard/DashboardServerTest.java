package io.adaptstream.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Split;
import io.adaptstream.blob.BlobRef;
import io.adaptstream.blob.FileBlobStore;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's HTTP side on its own: a fake state, a fake selector, a blob store in a temporary directory. */
class DashboardServerTest {

  private static final String KNOWN = "aa".repeat(32);
  private static final String UNKNOWN = "bb".repeat(32);

  @TempDir
  Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicReference<String> state = new AtomicReference<>("{\"runId\":\"r\"}");
  private HttpServer selector;
  private DashboardServer server;
  private BlobRef png;

  @BeforeEach
  void start() throws Exception {
    // a selector that knows sample KNOWN at step 1 and nothing else
    selector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    selector.createContext("/", ex -> {
      boolean known = ex.getRequestURI().getPath().equals("/steps/1/samples/" + KNOWN);
      byte[] body = (known ? "{\"sampleId\":\"" + KNOWN + "\",\"selected\":true,\"cluster\":3}"
          : "{\"error\":\"no provenance\"}").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(known ? 200 : 404, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    selector.start();
    URI selectorUrl = URI.create("http://127.0.0.1:" + selector.getAddress().getPort());
    FileBlobStore blobs = new FileBlobStore(tmp.resolve("blobs"));
    png = blobs.put(new ByteArrayInputStream(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2}));
    Sample sample = Sample.newBuilder().setId(KNOWN).setRelease("r1").setSourceId("7").setSplit(Split.TRAIN)
        .setConversations(List.of()).setImages(List.of()).build();
    server = DashboardServer.start("127.0.0.1", 0, state::get, new DashboardServer.Samples() {
      @Override
      public Optional<URI> selectorUrl() {
        return Optional.of(selectorUrl);
      }

      @Override
      public Optional<Sample> find(String sampleId) {
        return sampleId.equals(KNOWN) ? Optional.of(sample) : Optional.empty();
      }
    }, Optional.of(tmp.resolve("blobs")));
  }

  @AfterEach
  void stop() {
    server.close();
    selector.stop(0);
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void shouldListenOnLoopbackOnlyWhenStartedWithTheDefaultSettings() throws Exception {
    // given the default settings, when a server starts with them
    Dashboard.Settings defaults = Dashboard.Settings.defaults();
    try (DashboardServer s = DashboardServer.start(defaults.host(), defaults.port(), state::get, null,
        Optional.empty())) {
      // then it is bound to 127.0.0.1 on a free port, and its address says so
      assertThat(defaults.host()).isEqualTo("127.0.0.1");
      assertThat(s.uri().getHost()).isEqualTo("127.0.0.1");
      assertThat(s.uri().getPort()).isPositive();
    }
  }

  @Test
  void shouldRefuseAnImageKeyThatIsNotASha256WhenAskedForAnImage() throws Exception {
    // given keys that try to name a path, are too short, or are upper case, when they are asked for
    for (String key : List.of("..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "abc", KNOWN.toUpperCase(),
        KNOWN + "0", "%2e%2e")) {
      HttpResponse<byte[]> r = get("/images/" + key);

      // then each is refused as a bad request, without reading the store
      assertThat(r.statusCode()).as(key).isEqualTo(400);
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).as(key).contains("64 lowercase hex");
    }
  }

  @Test
  void shouldServeAnImagesBytesWithTheSniffedTypeWhenTheKeyIsInTheStore() throws Exception {
    // when a stored image and a missing one are asked for
    HttpResponse<byte[]> r = get("/images/" + png.sha256());
    HttpResponse<byte[]> missing = get("/images/" + UNKNOWN);

    // then the stored one comes back as a PNG, byte for byte, and the missing one is a 404
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.body()).hasSize(10);
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  @Test
  void shouldPassTheSelectorsRecordThroughOrSayNoRecordWhenASampleIsExplained() throws Exception {
    // when a known sample and an unknown one are explained at step 1
    JsonNode known = DashboardJson.JSON.readTree(get("/api/explain?step=1&id=" + KNOWN).body());
    JsonNode unknown = DashboardJson.JSON.readTree(get("/api/explain?step=1&id=" + UNKNOWN).body());

    // then the known one carries the selector's record and the sample, the other says there is no record
    assertThat(known.get("provenance").get("status").asText()).isEqualTo("found");
    assertThat(known.get("provenance").get("record").get("cluster").asInt()).isEqualTo(3);
    assertThat(known.get("sample").get("release").asText()).isEqualTo("r1");
    assertThat(unknown.get("provenance").get("status").asText()).isEqualTo("no record");
    assertThat(unknown.get("provenance").get("reason").asText()).isEqualTo("no provenance");
    assertThat(unknown.get("sample").isNull()).isTrue();
  }

  @Test
  void shouldRefuseAnExplanationWhenTheIdOrStepIsMalformed() throws Exception {
    // when the id is not a sha256 or the step not a number, then the request is refused before the selector
    assertThat(get("/api/explain?step=1&id=..%2Fpool").statusCode()).isEqualTo(400);
    assertThat(get("/api/explain?step=x&id=" + KNOWN).statusCode()).isEqualTo(400);
    assertThat(get("/api/explain?id=" + KNOWN).statusCode()).isEqualTo(400);
  }

  @Test
  void shouldServeThePageFromTheJarAndNothingElseWhenAskedForFiles() throws Exception {
    // when the page, its script, and paths outside the known files are asked for
    HttpResponse<byte[]> page = get("/");
    HttpResponse<byte[]> script = get("/app.js");

    // then the page and script come with their types and a same-origin policy; anything else is a 404
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
        csp -> assertThat(csp).contains("default-src 'self'"));
    assertThat(new String(page.body(), StandardCharsets.UTF_8)).contains("<script src=\"/app.js\"");
    assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(new String(script.body(), StandardCharsets.UTF_8)).doesNotContain("innerHTML");
    assertThat(get("/package-info.class").statusCode()).isEqualTo(404);
    assertThat(get("/../dashboard/Dashboard.class").statusCode()).isEqualTo(404);
    assertThat(http.send(HttpRequest.newBuilder(server.uri().resolve("/api/state"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
        .isEqualTo(405);
  }

  @Test
  void shouldSendTheStateOnConnectingAndAgainWhenItIsBroadcast() throws Exception {
    // given a page connected to the event stream
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(server.uri().resolve("/events")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      // then it gets the current state first
      assertThat(in.readLine()).isEqualTo("event: state");
      assertThat(in.readLine()).isEqualTo("data: {\"runId\":\"r\"}");
      assertThat(in.readLine()).isEmpty();

      // when a new state is broadcast, then it gets that too
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.connectedPages() == 1);
      server.broadcast("{\"runId\":\"r\",\"steps\":[1]}");
      assertThat(in.readLine()).isEqualTo("event: state");
      assertThat(in.readLine()).isEqualTo("data: {\"runId\":\"r\",\"steps\":[1]}");
    }
  }
}
