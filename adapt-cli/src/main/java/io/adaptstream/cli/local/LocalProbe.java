package io.adaptstream.cli.local;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Asks a broker whether it answers, with short timeouts: local mode polls it while the broker starts, and
 * {@code status} must not hang on a broker that is gone.
 */
public final class LocalProbe implements AutoCloseable {

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

  private final Admin admin;

  public LocalProbe(String bootstrapServers) {
    this.admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis(),
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500,
        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1000L,
        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 2000L,
        AdminClientConfig.CLIENT_ID_CONFIG, "adapt-local-probe"));
  }

  public Admin admin() {
    return admin;
  }

  /** Whether the broker answers a cluster description with at least one node. */
  public boolean answers() {
    try {
      return !admin.describeCluster().nodes().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The id of the cluster the answering broker belongs to; empty if none answers. */
  public Optional<String> clusterId() {
    try {
      return Optional.ofNullable(admin.describeCluster().clusterId().get(CALL_TIMEOUT.toMillis(),
          TimeUnit.MILLISECONDS));
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** How many topics the broker has (internal ones not counted), or -1 if it does not answer. */
  public int topicCount() {
    try {
      return admin.listTopics().names().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
    } catch (ExecutionException | TimeoutException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** One-shot: does a broker answer at this address? */
  public static boolean answers(String bootstrapServers) {
    try (LocalProbe probe = new LocalProbe(bootstrapServers)) {
      return probe.answers();
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(2));
  }
}
