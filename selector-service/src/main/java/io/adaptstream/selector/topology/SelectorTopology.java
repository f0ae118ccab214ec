package io.adaptstream.selector.topology;

import io.adaptstream.avro.Centroids;
import io.adaptstream.avro.ClusterEvent;
import io.adaptstream.avro.ClusterMember;
import io.adaptstream.avro.ClusterSummary;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.PoolControl;
import io.adaptstream.avro.PoolEntry;
import io.adaptstream.avro.ReleaseProgress;
import io.adaptstream.avro.ReservoirEvent;
import io.adaptstream.avro.SampleProvenance;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.SealProgress;
import io.adaptstream.avro.SelectedSample;
import io.adaptstream.avro.SelectionEvent;
import io.adaptstream.avro.StepBarrier;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.avro.StepStart;
import io.adaptstream.avro.StepStatus;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.selector.SelectorConfig;
import io.adaptstream.selector.SelectorMetrics;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorWrapper;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The selector as one Kafka Streams application (see docs/architecture.md, "The selector topology").
 *
 * <p>Four sub-topologies, each a set of tasks:
 * <ol>
 *   <li><b>pool</b>, one task per data partition p, sources {@code ingest}, {@code pool-control}, {@code scores}
 *       and {@code centroids} (all co-partitioned): {@link PoolProcessor} and {@link ScoreCollector}, sharing the
 *       pool store, so a task holds everything about the samples whose key hashes to p;</li>
 *   <li><b>coordinator</b>, one task, sources {@code coordination} and {@code models}: {@link StepCoordinator};</li>
 *   <li><b>fitter</b>, one task, source {@code reservoir}: {@link ClusterFitter};</li>
 *   <li><b>selector</b>, one task per by-cluster partition: {@link ClusterSelectorProcessor}.</li>
 * </ol>
 * Every source reads raw bytes (processors decode, so bad bytes become dead letters); every state is a store
 * restored from a changelog or from the input topic it mirrors (RocksDB, except the fitter's slices and, by
 * default, the scores, which live on the heap, unordered); sinks that carry step markers use a partitioner that
 * sends data by key (or cluster) and each marker to the partition it is addressed to, or to all.
 */
public final class SelectorTopology {

  // stores; the ones interactive queries read are public
  public static final String POOL_STORE = "pool";
  /** Per-task memory over the pool task's stores (derived, unlogged): see {@link PoolMemory}. */
  public static final String POOL_MEMORY_STORE = "pool-memory";
  public static final String POOL_RELEASES_STORE = "pool-releases";
  static final String POOL_STEP_STORE = "pool-step";
  /** The scores topic as a store (sample id -> the record's bytes), restored from that topic itself. */
  static final String SCORES_STORE = "scores";
  /** The scores accepted per step ({@code <step>/<sample id>}), with a copy of any the scores store lost since. */
  static final String STEP_SCORES_STORE = "step-scores";
  static final String COLLECTOR_BARRIERS_STORE = "collector-barriers";
  static final String COORDINATOR_SEALS_STORE = "coordinator-seals";
  static final String COORDINATOR_MODELS_STORE = "coordinator-models";
  public static final String STEPS_STORE = "steps";
  static final String FITTER_SLICES_STORE = "fitter-slices";
  static final String FITTER_BARRIERS_STORE = "fitter-barriers";
  public static final String CENTROIDS_STORE = "centroids";
  /** The by-cluster topic as a store ({@code <step>/<cluster>/<sample id>} -> the record's bytes), restored from it. */
  static final String SELECTOR_MEMBERS_STORE = "selector-members";
  /** Members the selector-members store lost to a later record under the same key (rare: duplicates). */
  static final String SELECTOR_MEMBERS_KEPT_STORE = "selector-members-kept";
  static final String SELECTOR_BARRIERS_STORE = "selector-barriers";
  public static final String CLUSTERS_STORE = "clusters";
  public static final String SELECTIONS_STORE = "selections";
  /**
   * The cluster selectors' provenance records ({@code <step>/<sample id>}), kept as they send them, for
   * {@code GET /steps/{t}/samples/{id}}.
   */
  public static final String PROVENANCE_STORE = "provenance";

  // sources
  static final String INGEST_SOURCE = "ingest-source";
  static final String POOL_CONTROL_SOURCE = "pool-control-source";
  static final String SCORES_SOURCE = "scores-source";
  static final String CENTROIDS_SOURCE = "centroids-source";
  static final String COORDINATION_SOURCE = "coordination-source";
  static final String MODELS_SOURCE = "models-source";
  static final String RESERVOIR_SOURCE = "reservoir-source";
  static final String BY_CLUSTER_SOURCE = "by-cluster-source";

  // processors
  static final String POOL_PROCESSOR = "pool-processor";
  static final String SCORE_COLLECTOR = "score-collector";
  static final String SCORE_ASSIGNER = "score-assigner";
  static final String STEP_COORDINATOR = "step-coordinator";
  static final String CLUSTER_FITTER = "cluster-fitter";
  static final String CLUSTER_SELECTOR = "cluster-selector";

  // sinks: one per sub-topology and topic, since a shared sink would merge sub-topologies
  static final String POOL_REQUESTS_SINK = "pool.score-requests-sink";
  static final String POOL_COORDINATION_SINK = "pool.coordination-sink";
  static final String POOL_RESERVOIR_SINK = "pool.reservoir-sink";
  static final String POOL_BY_CLUSTER_SINK = "pool.by-cluster-sink";
  static final String POOL_DLQ_SINK = "pool.dlq-sink";
  static final String COORDINATOR_POOL_CONTROL_SINK = "coordinator.pool-control-sink";
  static final String COORDINATOR_DLQ_SINK = "coordinator.dlq-sink";
  static final String FITTER_CENTROIDS_SINK = "fitter.centroids-sink";
  static final String FITTER_COORDINATION_SINK = "fitter.coordination-sink";
  static final String FITTER_DLQ_SINK = "fitter.dlq-sink";
  static final String SELECTOR_SELECTIONS_SINK = "selector.selections-sink";
  static final String SELECTOR_POOL_CONTROL_SINK = "selector.pool-control-sink";
  static final String SELECTOR_COORDINATION_SINK = "selector.coordination-sink";
  static final String SELECTOR_DLQ_SINK = "selector.dlq-sink";
  static final String SELECTOR_PROVENANCE_SINK = "selector.provenance-sink";

  private SelectorTopology() {}

  /** The topology for a config, with its own registry client. */
  public static Topology build(SelectorConfig config) {
    return build(config, config.serdes(), config.streamsProperties(null));
  }

  /**
   * The topology with given serdes (so a service and its tests share one registry client) and the Streams
   * properties the application runs with (topology-level settings such as a processor wrapper come from them).
   */
  public static Topology build(SelectorConfig config, AvroSerdes serdes, Properties streamsProperties) {
    return build(config, serdes, streamsProperties, SelectorMetrics.unserved());
  }

  /** As {@link #build(SelectorConfig, AvroSerdes, Properties)}, with the processors reporting to {@code metrics}. */
  public static Topology build(SelectorConfig config, AvroSerdes serdes, Properties streamsProperties,
      SelectorMetrics metrics) {
    SelectorContext sc = new SelectorContext(config, serdes, metrics);
    TopicCatalogue cat = sc.catalogue;
    TopologyConfig topologyConfig = new TopologyConfig(new StreamsConfig(streamsProperties));
    Topology t = new Topology(topologyConfig);
    // Topology#addReadOnlyStateStore leaves its processor unwrapped: wrap it here, as addProcessor would
    ProcessorWrapper wrapper = topologyConfig.getConfiguredInstance(StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG,
        ProcessorWrapper.class, topologyConfig.originals());
    StringDeserializer keys = new StringDeserializer();
    ByteArrayDeserializer bytes = new ByteArrayDeserializer();
    StringSerializer keyOut = new StringSerializer();

    // 1. pool, score collector and assigner, per data partition
    t.addSource(INGEST_SOURCE, keys, bytes, cat.ingest.name());
    t.addSource(POOL_CONTROL_SOURCE, keys, bytes, cat.poolControl.name());
    t.addSource(CENTROIDS_SOURCE, keys, bytes, cat.centroids.name());
    t.addProcessor(POOL_PROCESSOR, () -> new PoolProcessor(sc), INGEST_SOURCE, POOL_CONTROL_SOURCE);
    t.addReadOnlyStateStore(sc.scoresInMemory ? heapMirror(SCORES_STORE) : mirror(SCORES_STORE), SCORES_SOURCE,
        keys, bytes, cat.scores.name(), SCORE_COLLECTOR,
        updating(wrapper.wrapProcessorSupplier(SCORE_COLLECTOR, () -> new ScoreCollector(sc))));
    t.addProcessor(SCORE_ASSIGNER, () -> new ScoreAssigner(sc), CENTROIDS_SOURCE);
    t.connectProcessorAndStateStores(SCORE_ASSIGNER, SCORES_STORE);
    t.addStateStore(store(POOL_STORE, PoolEntry.class), POOL_PROCESSOR, SCORE_COLLECTOR, SCORE_ASSIGNER);
    t.addStateStore(PoolMemory.builder(POOL_MEMORY_STORE), POOL_PROCESSOR, SCORE_COLLECTOR, SCORE_ASSIGNER);
    t.addStateStore(store(POOL_RELEASES_STORE, ReleaseProgress.class), POOL_PROCESSOR);
    t.addStateStore(cachedStore(POOL_STEP_STORE, StepStart.class), POOL_PROCESSOR, SCORE_COLLECTOR);
    t.addStateStore(bytesStore(STEP_SCORES_STORE, false), SCORE_COLLECTOR, SCORE_ASSIGNER);
    t.addStateStore(cachedStore(COLLECTOR_BARRIERS_STORE, StepBarrier.class), SCORE_COLLECTOR, SCORE_ASSIGNER);
    t.addSink(POOL_REQUESTS_SINK, cat.scoreRequests.name(), keyOut, serializer(cat.scoreRequests, serdes),
        markersOrByKey((ScoreRequestEvent v) -> v.getPayload()), POOL_PROCESSOR);
    t.addSink(POOL_COORDINATION_SINK, cat.coordination.name(), keyOut, serializer(cat.coordination, serdes),
        POOL_PROCESSOR, SCORE_COLLECTOR);
    t.addSink(POOL_RESERVOIR_SINK, cat.reservoir.name(), keyOut, serializer(cat.reservoir, serdes),
        markersOrByKey((ReservoirEvent v) -> v.getPayload()), SCORE_COLLECTOR);
    t.addSink(POOL_BY_CLUSTER_SINK, cat.byCluster.name(), keyOut, serializer(cat.byCluster, serdes),
        SelectorTopology::byCluster, SCORE_ASSIGNER);
    t.addSink(POOL_DLQ_SINK, cat.dlq.name(), keyOut, serializer(cat.dlq, serdes), POOL_PROCESSOR, SCORE_COLLECTOR,
        SCORE_ASSIGNER);

    // 2. step coordinator, one task
    t.addSource(COORDINATION_SOURCE, keys, bytes, cat.coordination.name());
    t.addSource(MODELS_SOURCE, keys, bytes, cat.models.name());
    t.addProcessor(STEP_COORDINATOR, () -> new StepCoordinator(sc), COORDINATION_SOURCE, MODELS_SOURCE);
    t.addStateStore(store(COORDINATOR_SEALS_STORE, SealProgress.class), STEP_COORDINATOR);
    t.addStateStore(store(COORDINATOR_MODELS_STORE, ModelVersion.class), STEP_COORDINATOR);
    t.addStateStore(store(STEPS_STORE, StepStatus.class), STEP_COORDINATOR);
    t.addSink(COORDINATOR_POOL_CONTROL_SINK, cat.poolControl.name(), keyOut, serializer(cat.poolControl, serdes),
        SelectorTopology::poolControl, STEP_COORDINATOR);
    t.addSink(COORDINATOR_DLQ_SINK, cat.dlq.name(), keyOut, serializer(cat.dlq, serdes), STEP_COORDINATOR);

    // 3. cluster fitter, one task
    t.addSource(RESERVOIR_SOURCE, keys, bytes, cat.reservoir.name());
    t.addProcessor(CLUSTER_FITTER, () -> new ClusterFitter(sc), RESERVOIR_SOURCE);
    t.addStateStore(bytesStore(FITTER_SLICES_STORE, true), CLUSTER_FITTER);
    t.addStateStore(cachedStore(FITTER_BARRIERS_STORE, StepBarrier.class), CLUSTER_FITTER);
    t.addStateStore(store(CENTROIDS_STORE, Centroids.class), CLUSTER_FITTER);
    t.addSink(FITTER_CENTROIDS_SINK, cat.centroids.name(), keyOut, serializer(cat.centroids, serdes),
        (topic, key, value, n) -> all(n), CLUSTER_FITTER);
    t.addSink(FITTER_COORDINATION_SINK, cat.coordination.name(), keyOut, serializer(cat.coordination, serdes),
        CLUSTER_FITTER);
    t.addSink(FITTER_DLQ_SINK, cat.dlq.name(), keyOut, serializer(cat.dlq, serdes), CLUSTER_FITTER);

    // 4. cluster selectors, per by-cluster partition
    t.addReadOnlyStateStore(mirror(SELECTOR_MEMBERS_STORE), BY_CLUSTER_SOURCE, keys, bytes, cat.byCluster.name(),
        CLUSTER_SELECTOR, updating(wrapper.wrapProcessorSupplier(CLUSTER_SELECTOR,
            () -> new ClusterSelectorProcessor(sc))));
    t.addStateStore(bytesStore(SELECTOR_MEMBERS_KEPT_STORE, false), CLUSTER_SELECTOR);
    t.addStateStore(cachedStore(SELECTOR_BARRIERS_STORE, StepBarrier.class), CLUSTER_SELECTOR);
    t.addStateStore(store(CLUSTERS_STORE, ClusterSummary.class), CLUSTER_SELECTOR);
    t.addStateStore(store(SELECTIONS_STORE, SelectedSample.class), CLUSTER_SELECTOR);
    t.addSink(SELECTOR_SELECTIONS_SINK, cat.selections.name(), keyOut, serializer(cat.selections, serdes),
        markersOrByKey((SelectionEvent v) -> v.getPayload()), CLUSTER_SELECTOR);
    t.addSink(SELECTOR_POOL_CONTROL_SINK, cat.poolControl.name(), keyOut, serializer(cat.poolControl, serdes),
        SelectorTopology::poolControl, CLUSTER_SELECTOR);
    t.addSink(SELECTOR_COORDINATION_SINK, cat.coordination.name(), keyOut, serializer(cat.coordination, serdes),
        CLUSTER_SELECTOR);
    t.addSink(SELECTOR_DLQ_SINK, cat.dlq.name(), keyOut, serializer(cat.dlq, serdes), CLUSTER_SELECTOR);
    if (sc.provenance) {
      // by sample id, so a sample's whole history is on one partition (one read for adapt explain)
      t.addSink(SELECTOR_PROVENANCE_SINK, cat.provenance.name(), keyOut, serializer(cat.provenance, serdes),
          (topic, key, value, n) -> Optional.of(Set.of(StepKeys.partitionForKey(value.getSampleId(), n))),
          CLUSTER_SELECTOR);
      // kept by the processor that decides, not read back from the topic: a store fed from the topic would index
      // a step's records on the stream thread while the next step's scores arrive
      t.addStateStore(store(PROVENANCE_STORE, SampleProvenance.class), CLUSTER_SELECTOR);
    }
    return t;
  }

  /**
   * A store that holds an input topic as it is (key -> the record's bytes, null deleting), kept by the processor
   * reading that topic and restored from the topic itself up to the committed offset (KIP-813's read-only store):
   * no changelog, so a record is written to Kafka once, by its producer. In RocksDB, sorted by key.
   */
  private static StoreBuilder<KeyValueStore<String, byte[]>> mirror(String name) {
    return bytesStore(name, false);
  }

  /**
   * A {@link #mirror} on the heap, restored in full at every start, and unordered ({@link HashBytesStore}): only
   * for a topic whose readers get, put, delete and walk all entries, never a range (the scores).
   */
  private static StoreBuilder<KeyValueStore<String, byte[]>> heapMirror(String name) {
    return Stores.keyValueStoreBuilder(HashBytesStore.supplier(name), Serdes.String(), Serdes.ByteArray());
  }

  /**
   * A store of record bytes by string key (logged unless registered as a read-only mirror): on the heap for state
   * that stays small (the fitter's slices of the open step), otherwise RocksDB. On the benchmark machine a RocksDB
   * write cost several times a heap one, mostly in first touches of fresh memtable pages.
   */
  private static StoreBuilder<KeyValueStore<String, byte[]>> bytesStore(String name, boolean onHeap) {
    return Stores.keyValueStoreBuilder(onHeap ? Stores.inMemoryKeyValueStore(name)
        : Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray());
  }

  /**
   * KIP-813 types the processor that keeps a read-only store as forwarding nothing; ours also sends its results to
   * its sinks, which the runtime allows (forwarding is untyped there), so its supplier is re-typed here.
   */
  @SuppressWarnings("unchecked")
  private static ProcessorSupplier<String, byte[], Void, Void> updating(
      ProcessorSupplier<String, byte[], String, SpecificRecord> supplier) {
    return (ProcessorSupplier<String, byte[], Void, Void>) (ProcessorSupplier<?, ?, ?, ?>) supplier;
  }

  private static <V extends SpecificRecord> StoreBuilder<KeyValueStore<String, V>> store(String name, Class<V> type) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), AvroBinarySerde.of(type));
  }

  /**
   * A store whose few keys are rewritten for every record (barriers, the step in progress): with the record
   * cache, repeated writes of a key reach RocksDB and the changelog once per commit instead of once per record.
   */
  private static <V extends SpecificRecord> StoreBuilder<KeyValueStore<String, V>> cachedStore(String name,
      Class<V> type) {
    return store(name, type).withCachingEnabled();
  }

  private static <V extends SpecificRecord> Serializer<V> serializer(Topic<V> topic, AvroSerdes serdes) {
    return topic.valueSerde(serdes).serializer();
  }

  /** A union value's payload. */
  private interface Payload<V> {
    Object of(V value);
  }

  /** Markers to the partition they name (or all); data by the key's hash, as Kafka's default partitioner. */
  private static <V> StreamPartitioner<String, V> markersOrByKey(Payload<V> payload) {
    return (topic, key, value, n) -> payload.of(value) instanceof StepMarker m ? marker(m, n)
        : Optional.of(Set.of(StepKeys.partitionForKey(key, n)));
  }

  /** Markers as addressed; members to their cluster's partition. */
  private static Optional<Set<Integer>> byCluster(String topic, String key, ClusterEvent value, int n) {
    if (value.getPayload() instanceof StepMarker m) {
      return marker(m, n);
    }
    return Optional.of(Set.of(StepKeys.partitionForCluster(((ClusterMember) value.getPayload()).getCluster(), n)));
  }

  /** Step starts to every pool partition; deletions to the partition holding the sample. */
  private static Optional<Set<Integer>> poolControl(String topic, String key, PoolControl value, int n) {
    return value.getPayload() instanceof StepStart ? all(n) : Optional.of(Set.of(StepKeys.partitionForKey(key, n)));
  }

  private static Optional<Set<Integer>> marker(StepMarker m, int n) {
    if (m.getTargetPartition() < 0) {
      return all(n);
    }
    if (m.getTargetPartition() >= n) {
      throw new IllegalStateException("marker addressed to partition " + m.getTargetPartition() + " of a topic with "
          + n + " partitions");
    }
    return Optional.of(Set.of(m.getTargetPartition()));
  }

  private static Optional<Set<Integer>> all(int n) {
    return Optional.of(IntStream.range(0, n).boxed().collect(Collectors.toSet()));
  }
}
