package io.adaptstream.runtime.metrics;

import io.adaptstream.avro.DeadLetter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters every service records the same way, tagged {@code service}: dead letters by reason
 * ({@value #DEAD_LETTERS}), how long each phase of a step takes ({@value #STEP_PHASE}), its Kafka clients' own
 * metrics (Micrometer's {@link KafkaClientMetrics}, {@code kafka_consumer_*}, {@code kafka_producer_*}) and its
 * consumer group's lag ({@link ConsumerGroupLag}, {@value ConsumerGroupLag#NAME}).
 *
 * <p>Names are Micrometer's dotted names; Prometheus renders them in snake case with the unit and {@code _total}
 * suffixes: {@code adapt_dead_letters_total{service,reason}}, {@code adapt_step_phase_seconds{service,phase}}
 * ({@code _count}, {@code _sum}, {@code _max}). A service's own meters start with {@code adapt.<service>.}.
 *
 * <p>Dead letters are counted once the transaction that writes them commits, so an aborted and retried batch does
 * not count twice (the selector, inside Kafka Streams, counts when it forwards: a retried task counts again).
 */
public final class ServiceMeters {

  /** Tag naming the service that recorded a meter, so one registry can hold all four (local mode). */
  public static final String SERVICE_TAG = "service";
  public static final String DEAD_LETTERS = "adapt.dead.letters";
  public static final String STEP_PHASE = "adapt.step.phase";

  private static final Logger LOG = LoggerFactory.getLogger(ServiceMeters.class);

  private final MeterRegistry registry;
  private final String service;

  public ServiceMeters(MeterRegistry registry, String service) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.service = Objects.requireNonNull(service, "service");
  }

  /** Meters that nothing serves (a service built without a registry, tests). */
  public static ServiceMeters unserved(String service) {
    return new ServiceMeters(new SimpleMeterRegistry(), service);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public String service() {
    return service;
  }

  /** {@code service=<this service>} and the given tags, for a service's own meters. */
  public Tags tags(String... keyValues) {
    return Tags.of(SERVICE_TAG, service).and(keyValues);
  }

  /** Counts one dead letter written, by its reason. */
  public void deadLetter(String reason) {
    deadLetters(reason, 1);
  }

  /** Counts {@code count} dead letters written with the same reason. */
  public void deadLetters(String reason, long count) {
    Counter.builder(DEAD_LETTERS).tags(tags("reason", reason))
        .description("dead letters written to the dlq topic, by reason").register(registry).increment(count);
  }

  /** Counts the dead letters among records a committed transaction wrote. */
  public void deadLetters(Iterable<? extends ProducerRecord<?, ?>> committed) {
    for (ProducerRecord<?, ?> r : committed) {
      if (r.value() instanceof DeadLetter d) {
        deadLetter(d.getReason());
      }
    }
  }

  /**
   * Registers a gauge of this service, replacing one of the same name and tags: a service restarted in the same
   * process (local mode's registry outlives it) shows the new instance's values, not the stopped one's. The gauge
   * holds {@code state} strongly, so it never reads {@code NaN} while registered.
   */
  public <T> Gauge gauge(String name, String description, T state, ToDoubleFunction<T> value, String... tags) {
    Tags all = tags(tags);
    registry.find(name).tags(all).gauges().stream().filter(g -> Tags.of(g.getId().getTags()).equals(all))
        .forEach(registry::remove);
    return Gauge.builder(name, state, value).tags(all).description(description).strongReference(true)
        .register(registry);
  }

  /** The timer of one phase of a step (e.g. {@code training}, {@code selection}). */
  public Timer phase(String phase) {
    return Timer.builder(STEP_PHASE).tags(tags("phase", phase))
        .description("time each phase of a step took").register(registry);
  }

  /** Records that {@code phase} took {@code nanos}. */
  public void phaseTook(String phase, long nanos) {
    phase(phase).record(Duration.ofNanos(nanos));
  }

  /** Binds a producer's metrics; close the result with the producer. */
  public AutoCloseable bind(Producer<?, ?> producer) {
    return bind(new KafkaClientMetrics(producer, tags()), producer);
  }

  /** Binds a consumer's metrics (fetch rates, {@code records_lag_max}, ...); close the result with the consumer. */
  public AutoCloseable bind(Consumer<?, ?> consumer) {
    return bind(new KafkaClientMetrics(consumer, tags()), consumer);
  }

  /** A client without metrics (a test double) gets none, rather than failing the service. */
  private AutoCloseable bind(KafkaClientMetrics binder, Object client) {
    try {
      binder.bindTo(registry);
      return binder;
    } catch (RuntimeException e) {
      LOG.debug("no Kafka metrics from {}: {}", client.getClass().getSimpleName(), e.toString());
      binder.close();
      return () -> { };
    }
  }

  /**
   * A gauge of {@code group}'s lag ({@link ConsumerGroupLag}), read with its own admin client from
   * {@code clientProps}; close the result when the service stops.
   */
  public ConsumerGroupLag groupLag(Map<String, Object> clientProps, String group) {
    ConsumerGroupLag lag = ConsumerGroupLag.create(clientProps, group);
    lag.bindTo(registry, tags().and(Tag.of(ConsumerGroupLag.GROUP_TAG, group)));
    return lag;
  }

  /** Closes binders, logging nothing: a client's meters go with it. */
  public static void closeQuietly(AutoCloseable binder) {
    if (binder == null) {
      return;
    }
    try {
      binder.close();
    } catch (Exception e) {
      // meters of a closed client: nothing to do
    }
  }
}
