package io.adaptstream.scoring;

import io.adaptstream.model.DjlRuntime;
import io.adaptstream.runtime.ProducerFactory;
import io.adaptstream.runtime.TopicAdmin;
import io.adaptstream.schemas.TopicCatalogue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring service ({@code adapt serve scoring}): one {@link ScoringWorker} per service instance.
 *
 * <p>One worker, not a pool of them: DJL allows one backward pass per JVM at a time ({@code GradientLock}), so
 * more workers in one process would queue on the lock. To score faster, start more instances (each with its own
 * {@code scoring.instance.id}); they share the consumer group and split the request partitions.
 *
 * <p>Starting it chooses the engine mode ({@link DjlRuntime#init(boolean)}, before anything else touches DJL),
 * checks the device and creates the catalogue's topics if they are missing.
 */
public final class ScoringService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScoringService.class);

  private final ScoringWorker worker;

  public ScoringService(ScoringConfig config) {
    this(config, new SimpleMeterRegistry(), ProducerFactory.KAFKA);
  }

  /** With the caller's meter registry and producer factory. */
  public ScoringService(ScoringConfig config, MeterRegistry registry, ProducerFactory producers) {
    DjlRuntime.init(config.deterministic());
    config.device().toDjl(); // fails now, with the reason, when a GPU is asked for and there is none
    TopicCatalogue catalogue = config.catalogue();
    try (Admin admin = Admin.create(config.clientProps())) {
      List<String> created = TopicAdmin.ensure(admin, catalogue.all(), config.replicationFactor());
      if (!created.isEmpty()) {
        LOG.info("created topics {}", created);
      }
    }
    this.worker = new ScoringWorker(config, config.blobStore(), config.serdes(), registry, producers);
  }

  /** Scores until {@link #close()} is called from another thread; a fatal error ends it with an exception. */
  public void run() {
    worker.run();
  }

  /** Stops the worker after its current batch and waits for {@link #run()} to return. */
  @Override
  public void close() {
    worker.close();
  }

  /** Throughput meters (see the module README). */
  public MeterRegistry meterRegistry() {
    return worker.meterRegistry();
  }

  /** The request partitions this instance owns now. */
  public Set<TopicPartition> assignment() {
    return worker.assignment();
  }

  public String instanceId() {
    return worker.instanceId();
  }
}
