package io.adaptstream.selector.query;

import io.adaptstream.avro.Centroids;
import io.adaptstream.avro.ClusterFit;
import io.adaptstream.avro.ClusterSummary;
import io.adaptstream.avro.PoolEntry;
import io.adaptstream.avro.ReleaseProgress;
import io.adaptstream.avro.SampleProvenance;
import io.adaptstream.avro.SelectedSample;
import io.adaptstream.avro.StepStatus;
import io.adaptstream.schemas.Backoff;
import io.adaptstream.selector.topology.SelectorTopology;
import io.adaptstream.selector.topology.StepKeys;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Reads this instance's share of the selector's stores (every local task's partition) and turns it into views.
 * Answers for the whole application come from {@link QueryServer}, which asks every instance.
 *
 * <p>Stores are unavailable while tasks move during a rebalance ({@link InvalidStateStoreException}): reads are
 * retried for a while before giving up with {@link Unavailable}.
 */
public final class SelectorQueries {

  private static final Logger LOG = LoggerFactory.getLogger(SelectorQueries.class);

  /** The store cannot be read now (rebalancing, or the application is not running); try again later. */
  public static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final KafkaStreams streams;
  private final HostInfo self;
  private final Retry storeRetry;

  /**
   * @param self this instance's {@code application.server}, or null when it has none (then every store of the
   *     application is taken to be local: a single instance)
   */
  public SelectorQueries(KafkaStreams streams, HostInfo self, Duration retryFor) {
    this.streams = streams;
    this.self = self;
    // rebalances take from milliseconds to seconds: back off from 20 ms, pauses capped at 500 ms
    this.storeRetry = Backoff.within(Duration.ofMillis(20), Duration.ofMillis(500), retryFor)
        .retry("reading the selector's stores", InvalidStateStoreException.class::isInstance, LOG, Level.INFO);
  }

  public List<StepView> steps() {
    return read(SelectorTopology.STEPS_STORE, StepStatus.class, store -> {
      List<StepView> out = new ArrayList<>();
      try (KeyValueIterator<String, StepStatus> it = store.all()) {
        it.forEachRemaining(kv -> out.add(view(kv.value)));
      }
      return out;
    }, List.of());
  }

  public Optional<StepView> step(int step) {
    return read(SelectorTopology.STEPS_STORE, StepStatus.class,
        store -> Optional.ofNullable(store.get(StepKeys.step(step))).map(SelectorQueries::view),
        Optional.empty());
  }

  public List<ClusterView> clusters(int step) {
    Map<Integer, ClusterView> byCluster = new TreeMap<>();
    List<ClusterView> decided = read(SelectorTopology.CLUSTERS_STORE, ClusterSummary.class, store -> {
      List<ClusterView> out = new ArrayList<>();
      try (KeyValueIterator<String, ClusterSummary> it = prefix(store, StepKeys.stepPrefix(step))) {
        it.forEachRemaining(kv -> out.add(view(kv.value)));
      }
      return out;
    }, List.of());
    decided.forEach(v -> byCluster.merge(v.cluster(), v, ClusterView::merge));
    Optional<Centroids> fit = read(SelectorTopology.CENTROIDS_STORE, Centroids.class,
        store -> Optional.ofNullable(store.get(StepKeys.step(step))), Optional.empty());
    fit.ifPresent(c -> {
      for (ClusterFit f : c.getFits()) {
        ClusterView v = new ClusterView(step, f.getCluster(), null, null, null, null, null, null, null, null,
            f.getFitted(), f.getCentroidNorm(), null, null);
        byCluster.merge(f.getCluster(), v, ClusterView::merge);
      }
    });
    return new ArrayList<>(byCluster.values());
  }

  public List<SelectionView> selections(int step) {
    List<SelectionView> out = read(SelectorTopology.SELECTIONS_STORE, SelectedSample.class, store -> {
      List<SelectionView> list = new ArrayList<>();
      try (KeyValueIterator<String, SelectedSample> it = prefix(store, StepKeys.stepPrefix(step))) {
        it.forEachRemaining(kv -> list.add(view(kv.value)));
      }
      return list;
    }, List.of());
    out.sort(Comparator.comparing(SelectionView::sampleId));
    return out;
  }

  /**
   * Sample {@code sampleId}'s provenance at {@code step}, if a task of this instance holds it.
   */
  public Optional<ProvenanceView> provenance(int step, String sampleId) {
    String key = StepKeys.member(step, sampleId);
    return read(SelectorTopology.PROVENANCE_STORE, SampleProvenance.class,
        store -> Optional.ofNullable(store.get(key)).map(ProvenanceView::of), Optional.empty());
  }

  public PoolView pool() {
    Map<String, Integer> sequences = read(SelectorTopology.POOL_RELEASES_STORE, ReleaseProgress.class, store -> {
      Map<String, Integer> m = new HashMap<>();
      try (KeyValueIterator<String, ReleaseProgress> it = store.all()) {
        it.forEachRemaining(kv -> m.merge(kv.key, kv.value.getSequence(), Math::max));
      }
      return m;
    }, Map.of());
    return read(SelectorTopology.POOL_STORE, PoolEntry.class, store -> {
      long size = 0;
      long pending = 0;
      long deleted = 0;
      try (KeyValueIterator<String, PoolEntry> it = store.all()) {
        while (it.hasNext()) {
          PoolEntry e = it.next().value;
          if (e.getSample() == null) {
            deleted++;
          } else if (sequences.getOrDefault(e.getRelease(), -1) >= 1) {
            size++;
          } else {
            pending++;
          }
        }
      }
      return new PoolView(size, pending, deleted);
    }, new PoolView(0, 0, 0));
  }

  static StepView view(StepStatus s) {
    String phase = s.getSelectionDoneAtMs() >= 0 ? "done" : s.getClustersFittedAtMs() >= 0 ? "fitted"
        : s.getScoresCompleteAtMs() >= 0 ? "scored" : s.getRequestedAtMs() >= 0 ? "requested" : "started";
    return new StepView(s.getStep(), s.getRelease(), s.getModel(), s.getModelVersion(), phase, s.getStartedAtMs(),
        s.getRequestedAtMs(), s.getScoresStartedAtMs(), s.getScoresCompleteAtMs(), s.getClustersFittedAtMs(), s.getSelectionDoneAtMs(),
        sum(s.getRequested()), sum(s.getFresh()), sum(s.getScored()), s.getClusters(), sum(s.getSelected()),
        sum(s.getPruned()), sum(s.getDeadLetters()), List.copyOf(s.getSealWarnings()), sum(s.getPrunedFresh()),
        s.getPickPercentileSum().values().stream().mapToDouble(Double::doubleValue).sum(),
        sum(s.getPickPercentileCount()));
  }

  private static ClusterView view(ClusterSummary s) {
    return new ClusterView(s.getStep(), s.getCluster(), s.getSize(), s.getFresh(), s.getKeep(), s.getTrainBudget(),
        s.getScorer(), new TreeMap<>(s.getEntropies()), s.getSelected(), s.getPruned(), null, null,
        new TreeMap<>(s.getSkills()), new TreeMap<>(s.getSelectedSkills()));
  }

  private static SelectionView view(SelectedSample s) {
    return new SelectionView(s.getStep(), s.getSampleId(), s.getCluster(), s.getScorer(), s.getScore(), s.getFresh(),
        s.getRelease(), s.getSkill());
  }

  private static long sum(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }

  private static <V> KeyValueIterator<String, V> prefix(ReadOnlyKeyValueStore<String, V> store, String prefix) {
    return store.prefixScan(prefix, Serdes.String().serializer());
  }

  /** Reads a store if a task of this instance holds it, retrying while tasks move. */
  private <V, T> T read(String storeName, Class<V> type, Function<ReadOnlyKeyValueStore<String, V>, T> query,
      T none) {
    return retry(storeName, () -> {
      if (self != null && streams.streamsMetadataForStore(storeName).stream()
          .noneMatch(m -> m.hostInfo().equals(self))) {
        return none;
      }
      ReadOnlyKeyValueStore<String, V> store = streams.store(
          StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<String, V>keyValueStore()));
      return query.apply(store);
    });
  }

  private <T> T retry(String storeName, Supplier<T> attempt) {
    try {
      return storeRetry.executeSupplier(() -> {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
          throw new Unavailable("the selector is " + state, null);
        }
        return attempt.get();
      });
    } catch (InvalidStateStoreException e) {
      throw new Unavailable("store " + storeName + " unavailable: " + e.getMessage(), e);
    }
  }
}
