package io.adaptstream.cli.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DIR/local.json}: the running local mode's pids and addresses. It exists exactly while an instance
 * runs (a crash can leave it behind; the owner pid tells). Every command that talks to local mode finds the
 * addresses here, so they need no flags.
 *
 * @param ownerPid the {@code adapt local up} process that owns the broker and runs the registry
 * @param brokerPid the broker's child JVM
 * @param startedAt ISO-8601 instant the instance became ready
 * @param serviceUrls addresses the services inside local mode answer at, by service (e.g. the selector's
 *     interactive queries); empty when none runs there
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LocalState(long ownerPid, long brokerPid, String bootstrapServers, String schemaRegistryUrl,
    String blobStore, String dataDir, String startedAt, Map<String, String> serviceUrls) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public LocalState {
    serviceUrls = serviceUrls == null ? Map.of() : Map.copyOf(serviceUrls);
  }

  /** A state without services. */
  public LocalState(long ownerPid, long brokerPid, String bootstrapServers, String schemaRegistryUrl,
      String blobStore, String dataDir, String startedAt) {
    this(ownerPid, brokerPid, bootstrapServers, schemaRegistryUrl, blobStore, dataDir, startedAt, Map.of());
  }

  /** Where the selector inside local mode answers interactive queries, if it runs there. */
  public Optional<String> selectorUrl() {
    return Optional.ofNullable(serviceUrls.get(SELECTOR));
  }

  /** The key of the selector's query server in {@link #serviceUrls()}. */
  public static final String SELECTOR = "selector";
  /** The key of the services' one {@code /metrics} endpoint in {@link #serviceUrls()}. */
  public static final String METRICS = "metrics";

  /** Where the services inside local mode serve their metrics (Prometheus text format), if they run there. */
  public Optional<String> metricsUrl() {
    return Optional.ofNullable(serviceUrls.get(METRICS));
  }

  /** The key of the dashboard's page in {@link #serviceUrls()}. */
  public static final String DASHBOARD = "dashboard";

  /** Where the dashboard inside local mode answers, if it runs there. */
  public Optional<String> dashboardUrl() {
    return Optional.ofNullable(serviceUrls.get(DASHBOARD));
  }

  public Instant started() {
    return Instant.parse(startedAt);
  }

  /** Whether the owner process is still alive. */
  public boolean ownerAlive() {
    return ProcessHandle.of(ownerPid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The state file's content, if the file exists. */
  public static Optional<LocalState> read(LocalLayout layout) {
    return read(layout.state());
  }

  public static Optional<LocalState> read(Path file) {
    try {
      return Optional.of(JSON.readValue(Files.readAllBytes(file), LocalState.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new IllegalStateException(file + " is damaged (" + e.getMessage()
          + "); run `adapt local down` to clean up", e);
    }
  }

  /** Writes the file atomically, so a reader never sees half of it. */
  public void write(LocalLayout layout) {
    Path tmp = layout.state().resolveSibling("local.json.tmp");
    try {
      Files.write(tmp, JSON.writeValueAsBytes(this));
      Files.move(tmp, layout.state(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + layout.state(), e);
    }
  }

  public static void delete(LocalLayout layout) {
    try {
      Files.deleteIfExists(layout.state());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + layout.state(), e);
    }
  }
}
