package io.adaptstream.selector.query;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A client of the selector's query server (any instance answers for all), for {@code adapt status} and tests.
 * Every call throws {@link SelectorClientException} when the selector cannot be reached or answers an error.
 */
public final class SelectorClient {

  /** The selector could not answer. */
  public static final class SelectorClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    SelectorClientException(String message, int status, Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    /** The HTTP status, or -1 when there was no answer. */
    public int status() {
      return status;
    }
  }

  private final URI base;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final Duration timeout;

  /** @param base e.g. {@code http://127.0.0.1:8085} */
  public SelectorClient(URI base) {
    this(base, Duration.ofSeconds(30));
  }

  public SelectorClient(URI base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** A client for {@code host:port}. */
  public static SelectorClient of(String hostPort) {
    return new SelectorClient(URI.create("http://" + hostPort));
  }

  public List<StepView> steps() {
    return get("/steps", new TypeReference<List<StepView>>() {}).orElseThrow();
  }

  /** The step, or empty when it has not started. */
  public Optional<StepView> step(int step) {
    return get("/steps/" + step, new TypeReference<StepView>() {});
  }

  public List<ClusterView> clusters(int step) {
    return get("/steps/" + step + "/clusters", new TypeReference<List<ClusterView>>() {}).orElseThrow();
  }

  public List<SelectionView> selections(int step) {
    return get("/steps/" + step + "/selections", new TypeReference<List<SelectionView>>() {}).orElseThrow();
  }

  /** Sample {@code sampleId}'s provenance at {@code step}, or empty when the selector has none (404). */
  public Optional<ProvenanceView> sample(int step, String sampleId) {
    return get("/steps/" + step + "/samples/" + sampleId, new TypeReference<ProvenanceView>() {});
  }

  public PoolView pool() {
    return get("/pool", new TypeReference<PoolView>() {}).orElseThrow();
  }

  private <T> Optional<T> get(String path, TypeReference<T> type) {
    URI uri = base.resolve(path);
    HttpResponse<String> r;
    try {
      r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SelectorClientException("cannot reach the selector at " + uri + ": " + e.getMessage(), -1, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SelectorClientException("interrupted asking " + uri, -1, e);
    }
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw new SelectorClientException("the selector answered " + r.statusCode() + " for " + uri + ": " + r.body(),
          r.statusCode(), null);
    }
    try {
      return Optional.of(json.readValue(r.body(), type));
    } catch (IOException e) {
      throw new SelectorClientException("unreadable answer from " + uri + ": " + e.getMessage(), r.statusCode(), e);
    }
  }
}
