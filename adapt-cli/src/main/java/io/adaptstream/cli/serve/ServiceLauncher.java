package io.adaptstream.cli.serve;

import io.adaptstream.ingest.IngestConfig;
import io.adaptstream.ingest.IngestService;
import io.adaptstream.schemas.config.ServiceConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The services {@code adapt serve} can run, by name: {@code ingest}, {@code scoring}, {@code selector},
 * {@code trainer}.
 *
 * <p>A registry rather than a switch so that the command, local mode and the compose-file check all see the
 * same list and the same key definitions. The four pipeline services live in modules the command line does
 * not depend on yet; until they are wired in, each entry carries its keys (the common ones plus its own) and a
 * factory that says so, and {@link #with(ServiceSpec)} replaces an entry.
 */
public final class ServiceLauncher {

  /** Where the content-addressed blob store lives (a directory); read by every service that touches images or checkpoints. */
  public static final String BLOB_STORE = "blob.store";

  private final Map<String, ServiceSpec> specs;

  private ServiceLauncher(Map<String, ServiceSpec> specs) {
    this.specs = Collections.unmodifiableMap(new LinkedHashMap<>(specs));
  }

  /** The four pipeline services. */
  public static ServiceLauncher defaults() {
    Map<String, ServiceSpec> m = new LinkedHashMap<>();
    put(m, new ServiceSpec("ingest", "Validates dataset releases, stores their images and writes samples and seals.",
        IngestConfig.configDef(), settings -> new IngestRunner(new IngestService(new IngestConfig(settings)))));
    put(m, pending("scoring", "Scores every sample of a step with the previous model version.",
        withBlobStore(ServiceConfig.common())));
    put(m, pending("selector", "Keeps the pool, clusters it and selects and prunes samples (Kafka Streams).",
        withBlobStore(ServiceConfig.common())));
    put(m, pending("trainer", "Fine-tunes on each step's selection, evaluates and publishes model versions.",
        withBlobStore(ServiceConfig.common())));
    return new ServiceLauncher(m);
  }

  /** An empty registry, for tests and embedding. */
  public static ServiceLauncher empty() {
    return new ServiceLauncher(Map.of());
  }

  /** A copy with {@code spec} added, or replacing the entry of the same name. */
  public ServiceLauncher with(ServiceSpec spec) {
    Map<String, ServiceSpec> m = new LinkedHashMap<>(specs);
    put(m, spec);
    return new ServiceLauncher(m);
  }

  public Set<String> names() {
    return specs.keySet();
  }

  public Optional<ServiceSpec> find(String name) {
    return Optional.ofNullable(specs.get(name));
  }

  /**
   * Checks settings against a service's definition: unknown keys (other than {@code kafka.*} client
   * overrides), missing required keys and malformed values are a {@link ConfigException} naming them.
   */
  public void check(String name, Map<String, String> settings) {
    ServiceSpec spec = spec(name);
    try {
      new CheckedServiceConfig(spec.definition(), settings);
    } catch (ConfigException e) {
      // ServiceConfig names the config class; here that is the generic checker, so name the service instead
      throw new ConfigException(String.valueOf(e.getMessage())
          .replace("for " + CheckedServiceConfig.class.getSimpleName(), "for service '" + name + "'"));
    }
  }

  /** Checks the settings, then builds the service. */
  public RunnableService create(String name, Map<String, String> settings) throws Exception {
    check(name, settings);
    return spec(name).factory().create(Map.copyOf(settings));
  }

  private ServiceSpec spec(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException(
        "unknown service '" + name + "'; known services: " + String.join(", ", names())));
  }

  private static void put(Map<String, ServiceSpec> m, ServiceSpec spec) {
    m.put(spec.name(), spec);
  }

  private static ConfigDef withBlobStore(ConfigDef def) {
    return def.define(BLOB_STORE, Type.STRING, null, Importance.HIGH,
        "Directory of the content-addressed blob store shared by the services.");
  }

  /** The drop-folder ingest service as a runnable service. */
  private record IngestRunner(IngestService service) implements RunnableService {
    @Override
    public void run() throws Exception {
      service.run();
    }

    @Override
    public void close() {
      service.close();
    }
  }

  private static ServiceSpec pending(String name, String description, ConfigDef definition) {
    return new ServiceSpec(name, description, definition, settings -> {
      throw new IllegalStateException("service '" + name + "' is not part of this build yet");
    });
  }
}
