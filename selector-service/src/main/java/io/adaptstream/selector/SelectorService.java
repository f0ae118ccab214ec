package io.adaptstream.selector;

import io.adaptstream.runtime.TopicAdmin;
import io.adaptstream.runtime.metrics.ConsumerGroupLag;
import io.adaptstream.runtime.metrics.ServiceMeters;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.selector.query.QueryServer;
import io.adaptstream.selector.topology.SelectorTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the selector: creates the catalogue's topics if they are missing, starts the interactive-query server and
 * the Kafka Streams application, and stops both on {@link #close()}. Its processors, Kafka Streams' own metrics
 * (Micrometer's {@link KafkaStreamsMetrics}) and the application group's lag report to the meter registry it is given
 * ({@link SelectorMetrics}).
 *
 * <p>Several instances with the same config (and their own {@code selector.state.dir}) share the work: Kafka
 * Streams spreads the tasks, each instance advertises its query server in {@code application.server}, and any
 * instance's server answers for all. A stream thread that fails shuts this instance down (state
 * {@code ERROR}): under exactly_once_v2 its open transactions are aborted and a restarted instance resumes from
 * the last commit, which is safer than carrying on in-process.
 */
public final class SelectorService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SelectorService.class);

  private final SelectorConfig config;
  private final AvroSerdes serdes;
  private final MeterRegistry registry;
  private QueryServer queryServer;
  private KafkaStreams streams;
  private KafkaStreamsMetrics streamsMetrics;
  private ConsumerGroupLag lag;

  /** The selector with meters nothing serves. */
  public SelectorService(SelectorConfig config) {
    this(config, new SimpleMeterRegistry());
  }

  /** The selector reporting to {@code registry} (its {@code /metrics} endpoint's, or local mode's shared one). */
  public SelectorService(SelectorConfig config, MeterRegistry registry) {
    this.config = config;
    this.serdes = config.serdes();
    this.registry = registry;
  }

  /** Creates missing topics, then starts the query server (when enabled) and the stream threads; once. */
  public synchronized void start() {
    if (streams != null) {
      throw new IllegalStateException("already started");
    }
    try (Admin admin = Admin.create(config.clientProps())) {
      List<String> created = TopicAdmin.ensure(admin, config.catalogue().all(), config.replicationFactor());
      if (!created.isEmpty()) {
        LOG.info("created topics {}", created);
      }
    }
    String applicationServer = null;
    if (config.httpEnabled()) {
      try {
        queryServer = QueryServer.start(config.httpHost(), config.httpPort());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the query server on " + config.httpHost() + ":"
            + config.httpPort(), e);
      }
      applicationServer = queryServer.hostPort();
    }
    Properties props = config.streamsProperties(applicationServer);
    SelectorMetrics metrics = new SelectorMetrics(registry);
    Topology topology = SelectorTopology.build(config, serdes, props, metrics);
    LOG.debug("selector topology:\n{}", topology.describe());
    streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(SelectorService::onStreamThreadFailure);
    if (queryServer != null) {
      queryServer.attach(streams, config.provenance());
    }
    streamsMetrics = new KafkaStreamsMetrics(streams, metrics.meters().tags());
    streamsMetrics.bindTo(registry);
    lag = metrics.meters().groupLag(config.clientProps(), (String) props.get(StreamsConfig.APPLICATION_ID_CONFIG));
    streams.start();
    LOG.info("selector {} started (policy {}, run {}, query server {})", props.get("application.id"),
        config.policy().name(), config.catalogue().run(), httpAddress().map(URI::toString).orElse("off"));
  }

  /**
   * What a failed stream thread leads to. A registry that stayed unavailable past its wait is no fault of the
   * data: the thread is replaced, its transaction aborted, and the record read again after another wait, so an
   * outage of any length costs time and loses nothing. Any other failure stops the instance, loudly.
   */
  static StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onStreamThreadFailure(Throwable e) {
    if (SchemaRegistryException.isUnavailable(e)) {
      LOG.warn("the schema registry is still unavailable; replacing the stream thread, which reads the record "
          + "again: {}", e.getMessage());
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    }
    LOG.error("selector stream thread failed; shutting this instance down", e);
    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }

  /** The application's state, or {@code CREATED} before {@link #start()}. */
  public synchronized KafkaStreams.State state() {
    return streams == null ? KafkaStreams.State.CREATED : streams.state();
  }

  /** Where the query server answers, when it runs. */
  public synchronized Optional<URI> httpAddress() {
    return Optional.ofNullable(queryServer).map(QueryServer::uri);
  }

  /** The running application (for interactive queries in-process). */
  public synchronized KafkaStreams streams() {
    if (streams == null) {
      throw new IllegalStateException("not started");
    }
    return streams;
  }

  /** Stops cleanly (commits, leaves the group), waiting up to 30 s. */
  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  public synchronized void close(Duration timeout) {
    if (queryServer != null) {
      queryServer.close();
      queryServer = null;
    }
    if (streams != null && !streams.close(timeout)) {
      LOG.warn("selector did not stop within {}", timeout);
    }
    ServiceMeters.closeQuietly(streamsMetrics);
    streamsMetrics = null;
    ServiceMeters.closeQuietly(lag);
    lag = null;
  }
}
