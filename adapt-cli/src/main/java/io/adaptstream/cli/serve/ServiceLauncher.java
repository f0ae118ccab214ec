package io.adaptstream.cli.serve;

import io.adaptstream.ingest.IngestConfig;
import io.adaptstream.ingest.IngestService;
import io.adaptstream.runtime.ProducerFactory;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.scoring.ScoringConfig;
import io.adaptstream.scoring.ScoringService;
import io.adaptstream.selector.SelectorConfig;
import io.adaptstream.selector.SelectorService;
import io.adaptstream.trainer.TrainerConfig;
import io.adaptstream.trainer.TrainerListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * The services {@code adapt serve} can run, by name: {@code ingest}, {@code scoring}, {@code selector},
 * {@code trainer}.
 *
 * <p>A registry rather than a switch so that the command, local mode, the demo and the compose-file check all
 * see the same list and the same key definitions: each entry's definition is its service's own config class,
 * so a config file is checked exactly as the service itself would check it. {@link #with(ServiceSpec)} replaces
 * an entry (tests, embedding).
 */
public final class ServiceLauncher {

  public static final String INGEST = "ingest";
  public static final String SCORING = "scoring";
  public static final String SELECTOR = "selector";
  public static final String TRAINER = "trainer";

  private final Map<String, ServiceSpec> specs;

  private ServiceLauncher(Map<String, ServiceSpec> specs) {
    this.specs = Collections.unmodifiableMap(new LinkedHashMap<>(specs));
  }

  /** The four pipeline services. */
  public static ServiceLauncher defaults() {
    Map<String, ServiceSpec> m = new LinkedHashMap<>();
    put(m, new ServiceSpec(INGEST, "Publishes the datasets dropped into an inbox folder as releases.",
        IngestConfig.configDef(),
        (settings, meters) -> new IngestRunner(new IngestService(new IngestConfig(settings), meters))));
    put(m, new ServiceSpec(SCORING, "Scores every sample of a step with the previous model version.",
        ScoringConfig.configDef(), (settings, meters) -> new ScoringRunner(
            new ScoringService(new ScoringConfig(settings), meters, ProducerFactory.KAFKA))));
    put(m, new ServiceSpec(SELECTOR, "Keeps the pool, clusters it and selects and prunes samples (Kafka Streams).",
        SelectorConfig.configDef(),
        (settings, meters) -> new SelectorRunner(new SelectorService(new SelectorConfig(settings), meters))));
    put(m, new ServiceSpec(TRAINER, "Fine-tunes on each step's selection, evaluates and publishes model versions.",
        TrainerConfig.configDef(), (settings, meters) -> TrainerRunner.of(settings, TrainerListener.NONE, meters)));
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
    checked(name, settings);
  }

  /** {@link #check}, returning the checked settings as the keys every service shares (e.g. its metrics endpoint). */
  public ServiceConfig checked(String name, Map<String, String> settings) {
    ServiceSpec spec = spec(name);
    try {
      return new CheckedServiceConfig(spec.definition(), settings);
    } catch (ConfigException e) {
      // ServiceConfig names the config class; here that is the generic checker, so name the service instead
      throw new ConfigException(String.valueOf(e.getMessage())
          .replace("for " + CheckedServiceConfig.class.getSimpleName(), "for service '" + name + "'"));
    }
  }

  /** Checks the settings, then builds the service with meters nothing serves. */
  public RunnableService create(String name, Map<String, String> settings) throws Exception {
    return create(name, settings, new SimpleMeterRegistry());
  }

  /** Checks the settings, then builds the service, recording its meters into {@code registry}. */
  public RunnableService create(String name, Map<String, String> settings, MeterRegistry registry)
      throws Exception {
    check(name, settings);
    return spec(name).factory().create(Map.copyOf(settings), registry);
  }

  private ServiceSpec spec(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException(
        "unknown service '" + name + "'; known services: " + String.join(", ", names())));
  }

  private static void put(Map<String, ServiceSpec> m, ServiceSpec spec) {
    m.put(spec.name(), spec);
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
}
