package io.adaptstream.cli.run;

import io.adaptstream.cli.local.LocalContext;
import io.adaptstream.cli.local.LocalService;
import io.adaptstream.cli.local.LocalState;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.trainer.TrainerListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The four services of one run inside {@code adapt local up}, started once the broker is ready, so that every
 * release published to local mode (with {@code adapt publish}, or dropped into {@code DIR/inbox}) triggers the next
 * step on its own. The selector's query address goes to {@code local.json} for {@code adapt status}, and the address
 * of the one {@code /metrics} endpoint all four share there too (printed at start with the other addresses).
 */
public final class LocalPipeline implements LocalService {

  /** Every service, in start order: the step services, then the drop-folder publisher. */
  static final List<String> SERVICES = List.of(ServiceLauncher.SELECTOR, ServiceLauncher.SCORING,
      ServiceLauncher.TRAINER, ServiceLauncher.INGEST);

  /**
   * Kafka client settings of local mode's services. When local mode is killed as a whole (a crash, a power cut),
   * the broker that comes back still counts the dead services' group members until their session times out, and
   * each service's first rebalance after {@code adapt local up} waits for that: 45 s by default, per group. All
   * members run in one process on one machine here, so a short session loses nothing (heartbeats come from the
   * clients' own threads, not from the training loop) and a restarted local mode resumes within seconds.
   */
  static final Map<String, String> CLIENT_SETTINGS = Map.of(
      ServiceConfig.KAFKA_PREFIX + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000",
      ServiceConfig.KAFKA_PREFIX + ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2500");

  private final ServiceLauncher launcher;
  private final PipelineSettings settings;

  public LocalPipeline(ServiceLauncher launcher, PipelineSettings settings) {
    this.launcher = launcher;
    this.settings = settings;
  }

  @Override
  public String name() {
    return "pipeline of run " + settings.runId();
  }

  public PipelineSettings settings() {
    return settings;
  }

  @Override
  public AutoCloseable start(LocalContext context) throws Exception {
    Pipeline pipeline = Pipeline.start(launcher, context.deployment(), settings, context.layout().dir(), SERVICES,
        TrainerListener.NONE, CLIENT_SETTINGS);
    return new Handle(pipeline);
  }

  private record Handle(Pipeline pipeline) implements AutoCloseable, Advertised {
    @Override
    public Map<String, String> urls() {
      Map<String, String> urls = new LinkedHashMap<>();
      pipeline.selectorUrl().ifPresent(u -> urls.put(LocalState.SELECTOR, u.toString()));
      pipeline.metricsUrl().ifPresent(u -> urls.put(LocalState.METRICS, u.toString()));
      return urls;
    }

    @Override
    public void close() {
      pipeline.close();
    }
  }
}
