package io.adaptstream.cli.run;

import io.adaptstream.cli.local.LocalService.ThreadedService;
import io.adaptstream.cli.serve.RunnableService;
import io.adaptstream.cli.serve.SelectorRunner;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.cli.serve.TrainerRunner;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.runtime.metrics.MetricsEndpoint;
import io.adaptstream.trainer.TrainerListener;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's services, each on its own thread in this process and each with its own Kafka clients, exactly as they
 * would run in separate containers: they share nothing but the deployment and the blob store. This is how the demo
 * and local mode run the whole pipeline in one command.
 *
 * <p>One exception: their meters. The services record into one registry, each with its own {@code service} tag, and
 * one {@code /metrics} endpoint serves it ({@link #metricsUrl()}), where the services' {@code metrics.port} and
 * {@code metrics.bind.address} settings say (the first service's; they are the same for all unless set apart).
 */
public final class Pipeline implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  private static final Duration SELECTOR_START = Duration.ofSeconds(120);

  /** The services that process steps, in start order (ingest is only for local mode's drop folder). */
  public static final List<String> STEP_SERVICES = List.of(ServiceLauncher.SELECTOR, ServiceLauncher.SCORING,
      ServiceLauncher.TRAINER);

  private record Running(String name, ThreadedService thread) {}

  private final Deque<Running> running = new ArrayDeque<>();
  private Optional<URI> selectorUrl = Optional.empty();
  private MetricsEndpoint metrics;

  private Pipeline() {}

  /**
   * Starts {@code services} of the run in order; returns once each runs (the selector's query server answers).
   * A failure stops what was started and throws.
   *
   * @param trainerListener progress of the trainer, or {@link TrainerListener#NONE}
   */
  public static Pipeline start(ServiceLauncher launcher, Deployment deployment, PipelineSettings settings, Path workDir,
      List<String> services, TrainerListener trainerListener) throws Exception {
    return start(launcher, deployment, settings, workDir, services, trainerListener, Map.of());
  }

  /**
   * As {@link #start(ServiceLauncher, Deployment, PipelineSettings, Path, List, TrainerListener)}, with
   * {@code clientSettings} ({@code kafka.*} keys of every service's Kafka clients) added to each service's config.
   */
  public static Pipeline start(ServiceLauncher launcher, Deployment deployment, PipelineSettings settings, Path workDir,
      List<String> services, TrainerListener trainerListener, Map<String, String> clientSettings) throws Exception {
    clientSettings.keySet().forEach(k -> {
      if (!k.startsWith(ServiceConfig.KAFKA_PREFIX)) {
        throw new IllegalArgumentException("not a Kafka client key (" + ServiceConfig.KAFKA_PREFIX + "*): " + k);
      }
    });
    Pipeline p = new Pipeline();
    try {
      for (String name : services) {
        Map<String, String> config = new LinkedHashMap<>(settings.service(name, deployment, workDir));
        config.putAll(clientSettings);
        ServiceConfig checked = launcher.checked(name, config);
        if (p.metrics == null) {
          p.metrics = MetricsEndpoint.start(checked.metrics());
          p.metrics.uri().ifPresent(u -> LOG.info("metrics of run {} at {}", settings.runId(), u));
        }
        MeterRegistry registry = p.metrics.registry();
        RunnableService service = ServiceLauncher.TRAINER.equals(name) && trainerListener != TrainerListener.NONE
            ? TrainerRunner.of(config, trainerListener, registry) : launcher.create(name, config, registry);
        p.running.push(new Running(name, ThreadedService.start(name, service)));
        if (service instanceof SelectorRunner selector) {
          p.selectorUrl = selector.awaitAddress(SELECTOR_START);
        }
        LOG.info("{} of run {} started", name, settings.runId());
      }
      return p;
    } catch (Exception | Error e) {
      p.close();
      throw e;
    }
  }

  /** The services' one {@code /metrics} endpoint (Prometheus text format), unless {@code metrics.port} is -1. */
  public Optional<URI> metricsUrl() {
    return metrics == null ? Optional.empty() : metrics.uri();
  }

  /** The selector's query server, when the selector runs here with it on. */
  public Optional<URI> selectorUrl() {
    return selectorUrl;
  }

  /** Throws if a service has stopped (it should run until {@link #close()}), with the error it ended with. */
  public synchronized void checkRunning() {
    for (Running r : running) {
      if (!r.thread().isRunning()) {
        Throwable t = r.thread().failure();
        throw new IllegalStateException("the " + r.name() + " service stopped"
            + (t == null ? "" : ": " + t.getMessage()), t);
      }
    }
  }

  /** Stops the services in reverse order of start, each cleanly (commits, leaves its group). */
  @Override
  public synchronized void close() {
    RuntimeException first = null;
    while (!running.isEmpty()) {
      Running r = running.pop();
      try {
        r.thread().close();
      } catch (RuntimeException e) {
        LOG.warn("{} did not stop cleanly", r.name(), e);
        first = first == null ? e : first;
      }
    }
    if (metrics != null) {
      metrics.close();
      metrics = null;
    }
    if (first != null) {
      throw first;
    }
  }
}
