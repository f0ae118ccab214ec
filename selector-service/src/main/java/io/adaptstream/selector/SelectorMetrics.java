package io.adaptstream.selector;

import io.adaptstream.runtime.metrics.ServiceMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the selector's processors report while they run, for {@code /metrics}: the step in progress, the pool it
 * scores, the clusters fitted, the samples selected and pruned, the step phases' times and the dead letters.
 *
 * <p>Meters (Prometheus names): {@code adapt_selector_step} (the newest step started on this instance's
 * partitions), {@code adapt_selector_pool_size} (score requests of that step, summed over this instance's
 * partitions: the step's pool), {@code adapt_selector_clusters} (clusters of the newest fit),
 * {@code adapt_selector_selected_total} and {@code adapt_selector_pruned_total}, plus the shared
 * {@code adapt_step_phase_seconds{service="selector",phase=scoring|clustering|selection}} and
 * {@code adapt_dead_letters_total{service="selector",reason}}. Processors run inside Kafka Streams transactions: a task
 * that is retried after an aborted transaction records its work again.
 */
public final class SelectorMetrics {

  public static final String SERVICE = "selector";
  public static final String STEP = "adapt.selector.step";
  public static final String POOL_SIZE = "adapt.selector.pool.size";
  public static final String CLUSTERS = "adapt.selector.clusters";
  public static final String SELECTED = "adapt.selector.selected";
  public static final String PRUNED = "adapt.selector.pruned";
  /** From the step's start to the last score of a data partition, per partition. */
  public static final String PHASE_SCORING = "scoring";
  /** The k-means fit of a step. */
  public static final String PHASE_CLUSTERING = "clustering";
  /** Budgets, scorer choice, sampling and pruning of a step's clusters, per cluster partition. */
  public static final String PHASE_SELECTION = "selection";

  private final ServiceMeters meters;
  private final AtomicLong step = new AtomicLong();
  private final AtomicLong clusters = new AtomicLong();
  /** Per data partition: the step it started last and that step's score requests. */
  private final Map<Integer, long[]> pools = new ConcurrentHashMap<>();
  private final Counter selected;
  private final Counter pruned;

  public SelectorMetrics(MeterRegistry registry) {
    this.meters = new ServiceMeters(registry, SERVICE);
    meters.gauge(STEP, "the newest step started on this instance's partitions", step, AtomicLong::get);
    meters.gauge(POOL_SIZE, "samples of the newest step's pool (its score requests) on this instance's partitions",
        this, SelectorMetrics::poolSize);
    meters.gauge(CLUSTERS, "clusters of the newest k-means fit", clusters, AtomicLong::get);
    selected = Counter.builder(SELECTED).tags(meters.tags()).description("samples selected for training")
        .register(registry);
    pruned = Counter.builder(PRUNED).tags(meters.tags()).description("samples removed from the pool for good")
        .register(registry);
  }

  /** Meters nothing serves (tests, a topology built on its own). */
  public static SelectorMetrics unserved() {
    return new SelectorMetrics(ServiceMeters.unserved(SERVICE).registry());
  }

  public ServiceMeters meters() {
    return meters;
  }

  /** Data partition {@code partition} started {@code step} and asked for {@code requests} scores. */
  public void stepStarted(int partition, int step, long requests) {
    this.step.accumulateAndGet(step, Math::max);
    pools.put(partition, new long[] {step, requests});
  }

  /** A fit of the step produced {@code count} clusters. */
  public void clustersFitted(int count) {
    clusters.set(count);
  }

  /** A cluster partition decided its clusters of a step. */
  public void decided(long selectedCount, long prunedCount) {
    selected.increment(selectedCount);
    pruned.increment(prunedCount);
  }

  public void phaseTook(String phase, long nanos) {
    meters.phaseTook(phase, nanos);
  }

  public void deadLetter(String reason) {
    meters.deadLetter(reason);
  }

  private double poolSize() {
    long newest = step.get();
    return pools.values().stream().filter(p -> p[0] == newest).mapToLong(p -> p[1]).sum();
  }
}
