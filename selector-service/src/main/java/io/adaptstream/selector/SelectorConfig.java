package io.adaptstream.selector;

import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.selector.algo.CcsSampler;
import io.adaptstream.selector.algo.ClusterSelector;
import io.adaptstream.selector.algo.KMeans;
import io.adaptstream.selector.algo.Reservoir;
import io.adaptstream.selector.algo.ScorerChoice;
import io.adaptstream.selector.algo.SelectionPolicy;
import io.adaptstream.selector.algo.SemDeDup;
import io.adaptstream.selector.algo.StepPlanner;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings of the selector: the method (policy, budgets, clustering), the model whose versions gate the steps,
 * and how the Kafka Streams application and its query server run.
 *
 * <p>Every algorithm setting is part of the result: two selectors of the same run must be configured alike, and
 * a replay with other settings belongs under another {@code run.id}.
 */
public final class SelectorConfig extends ServiceConfig {

  public static final String POLICY = "selector.policy";
  public static final String BUDGET = "selector.budget";
  public static final String POOL_CAP = "selector.pool.cap";
  public static final String K = "selector.k";
  public static final String SEED = "selector.seed";
  public static final String RESERVOIR = "selector.reservoir";
  public static final String ENTROPY_MODE = "selector.entropy.mode";
  public static final String NEW_CLUSTERS = "selector.new.clusters";
  public static final String PRUNE_MAX_PAIRWISE = "selector.prune.max.pairwise";
  public static final String CCS_RULE = "selector.ccs.rule";
  public static final String PRUNE_TIMING = "selector.prune.timing";
  public static final String PRUNE_RULE = "selector.prune.rule";
  public static final String PRUNE_DUPLICATE_COSINE = "selector.prune.duplicate.cosine";
  public static final String MODEL_NAME = "selector.model.name";
  public static final String STATE_DIR = "selector.state.dir";
  public static final String THREADS = "selector.threads";
  public static final String HTTP_HOST = "selector.http.host";
  public static final String HTTP_PORT = "selector.http.port";
  public static final String COMMIT_INTERVAL_MS = "selector.commit.interval.ms";
  public static final String TRANSACTION_TIMEOUT_MS = "selector.transaction.timeout.ms";
  public static final String INPUT_BUFFER_RECORDS = "selector.input.buffer.records";
  public static final String FETCH_MAX_WAIT_MS = "selector.fetch.max.wait.ms";
  public static final String SCORES_STORE = "selector.scores.store";
  public static final String PROVENANCE = "selector.provenance";

  /** {@value}: the scores store lives on the heap, restored from the scores topic at every start. */
  public static final String SCORES_STORE_MEMORY = "memory";
  /** {@value}: the scores store is a RocksDB store on disk, which a clean restart keeps. */
  public static final String SCORES_STORE_ROCKSDB = "rocksdb";

  /** {@value}: CCS with min(50, budget) strata and leftovers in a seeded random stratum order. */
  public static final String CCS_SPREAD = "spread";
  /** {@value}: the reference's rule, for CCS, pruning timing and statistic, and new clusters. */
  public static final String REFERENCE = "reference";
  /** {@value}: select from all members, then prune. */
  public static final String PRUNE_AFTER_SELECTION = "after-selection";
  /** {@value}: prune, then select from the survivors (the reference). */
  public static final String PRUNE_BEFORE_SELECTION = "before-selection";
  /** {@value}: symmetric max-cosine pruning, near-duplicates first. */
  public static final String PRUNE_ORDER_FREE = "order-free";
  /** {@value}: new clusters only past a threshold calibrated on the fit. */
  public static final String NEW_CLUSTERS_CALIBRATED = "calibrated";
  /** {@value}: k stays fixed. */
  public static final String NEW_CLUSTERS_OFF = "off";

  /** {@value}: the query server is off. */
  public static final int HTTP_OFF = -1;

  private static final ConfigDef DEFINITION = ServiceConfig.common()
      .define(POLICY, Type.STRING, "adapt", SelectorConfig::validatePolicy, Importance.HIGH,
          "Selection method: " + String.join(", ", SelectionPolicy.all().keySet()) + ".")
      .define(BUDGET, Type.LONG, 400L, Range.atLeast(0), Importance.HIGH,
          "Training samples selected per step (before the policy's factor; ignored by policies that train on all).")
      .define(POOL_CAP, Type.LONG, 1500L, Range.atLeast(0), Importance.HIGH,
          "Pool members kept after permanent pruning (before the policy's factor; only pruning policies use it).")
      .define(K, Type.INT, KMeans.DEFAULT_K, Range.between(1, 1000), Importance.MEDIUM,
          "Pseudo-task clusters on a cold start (more may open when a new skill appears).")
      .define(SEED, Type.LONG, 0L, Importance.MEDIUM,
          "Experiment seed: with the step and cluster id it seeds every random choice.")
      .define(RESERVOIR, Type.INT, Reservoir.DEFAULT_CAPACITY, Range.between(1, 10_000_000), Importance.LOW,
          "Gradient sketches k-means is fitted on per step (a bottom-k sample by seeded id hash).")
      .define(ENTROPY_MODE, Type.STRING, ScorerChoice.Mode.STANDARDISED.name(), SelectorConfig::validateEntropyMode,
          Importance.LOW, "How the multi-way scorer choice bins scores: STANDARDISED (scale-free) or REFERENCE "
              + "(the reference code's raw-std bin edges).")
      .define(NEW_CLUSTERS, Type.STRING, NEW_CLUSTERS_CALIBRATED, SelectorConfig::validateNewClusters,
          Importance.LOW, "Whether a warm-started fit may open clusters for a new skill (up to 2k): 'calibrated' "
              + "(default) only for a group of at least 20 points beyond the fit's 99th percentile distance that a "
              + "new centroid brings to half their median distance; 'reference' when 20 points have cosine < 0.3 "
              + "to every centroid (fires at almost every step with 256-d sketches); 'off' (k fixed). 'true' and "
              + "'false' are read as 'reference' and 'off'.")
      .define(CCS_RULE, Type.STRING, CCS_SPREAD, ConfigDef.ValidString.in(CCS_SPREAD, REFERENCE), Importance.LOW,
          "CCS strata and leftovers: 'spread' (default) uses min(50, cluster budget) strata, a trim symmetric in "
              + "rank and gives leftover samples to strata in a seeded random order; 'reference' always uses 50 "
              + "strata, trims at sorted[floor(0.95n)] above and gives leftovers to the highest-score strata (at a "
              + "budget of 6 of 20 the picks then sit at the ~85th percentile).")
      .define(PRUNE_TIMING, Type.STRING, PRUNE_AFTER_SELECTION,
          ConfigDef.ValidString.in(PRUNE_AFTER_SELECTION, PRUNE_BEFORE_SELECTION), Importance.LOW,
          "When pruning policies prune: 'after-selection' (default) selects from all the cluster's members and "
              + "then prunes the pool to its cap, so every sample is a candidate at least once; 'before-selection' "
              + "(the reference) prunes first and selects from the survivors.")
      .define(PRUNE_RULE, Type.STRING, PRUNE_ORDER_FREE, ConfigDef.ValidString.in(PRUNE_ORDER_FREE, REFERENCE),
          Importance.LOW, "SemDeDup's statistic: 'order-free' (default) removes near-duplicate copies first (one "
              + "kept per group, by sample id), then keeps the lowest max cosine to ANY other member; 'reference' "
              + "keeps the lowest max cosine to EARLIER members with pool members first, which prunes fresh ones "
              + "more than their share.")
      .define(PRUNE_DUPLICATE_COSINE, Type.DOUBLE, SemDeDup.DEFAULT_DUPLICATE_COSINE, Range.between(-1.0, 1.0),
          Importance.LOW, "Cosine above which two members are near-duplicates under the order-free pruning rule.")
      .define(PRUNE_MAX_PAIRWISE, Type.INT, SemDeDup.DEFAULT_MAX_PAIRWISE, Range.atLeast(2), Importance.LOW,
          "Largest cluster SemDeDup compares all pairs of; larger clusters compare neighbours only.")
      .define(MODEL_NAME, Type.STRING, "adapt-vlm", new ConfigDef.NonEmptyString(), Importance.HIGH,
          "The model whose versions gate steps: step t starts once version t-1 of it is on the models topic.")
      .define(STATE_DIR, Type.STRING, defaultStateDir(), new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          "Kafka Streams state directory (RocksDB stores); one per instance on a host.")
      .define(THREADS, Type.INT, 1, Range.between(1, 64), Importance.LOW, "Kafka Streams stream threads.")
      .define(HTTP_HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          "Address the interactive-query server binds to and advertises to the other instances.")
      .define(HTTP_PORT, Type.INT, 0, Range.between(HTTP_OFF, 65_535), Importance.MEDIUM,
          "Port of the interactive-query server: 0 picks a free one, -1 turns it off.")
      .define(COMMIT_INTERVAL_MS, Type.LONG, 100L, Range.atLeast(1), Importance.LOW,
          "How often Kafka Streams commits its transactions (exactly_once_v2), in milliseconds.")
      .define(TRANSACTION_TIMEOUT_MS, Type.INT, 120_000, Range.between(1000, 900_000), Importance.LOW,
          "Producer transaction timeout. A cluster task decides its clusters (pruning, selection) inside one "
              + "record's processing, which can outlast Kafka Streams' 10 s default on large pools; an instance "
              + "that dies without restarting can hold read_committed readers back this long.")
      .define(INPUT_BUFFER_RECORDS, Type.INT, 5000, Range.between(100, 1_000_000), Importance.LOW,
          "Records Kafka Streams buffers per input partition before pausing its fetches "
              + "(buffered.records.per.partition). Above Kafka's 1000 so that one fetch of small score records "
              + "(1 MiB holds about 1300 of 128-d sketches) does not pause the partition after every fetch; memory "
              + "is about this many records per partition.")
      .define(FETCH_MAX_WAIT_MS, Type.INT, 100, Range.between(0, 500), Importance.LOW,
          "Longest the broker holds the stream threads' fetches when nothing new is there "
              + "(main.consumer.fetch.max.wait.ms). While a fetch waits, the consumer sends that broker no other "
              + "fetch, so a partition resumed after a pause waits up to this long: Kafka's 500 ms stalls a "
              + "backlog; lower values cost idle fetches.")
      .define(SCORES_STORE, Type.STRING, SCORES_STORE_MEMORY,
          ConfigDef.ValidString.in(SCORES_STORE_MEMORY, SCORES_STORE_ROCKSDB), Importance.LOW,
          "Where each data partition keeps the scores topic it reads (every score is written there once). "
              + "'memory': on the heap; it holds the scores of the step in progress and the last one (older "
              + "entries are dropped once a step's scores are assigned), about (pool + release) x record size "
              + "over all partitions, and is read back from the scores topic at every start. 'rocksdb': on disk, "
              + "for scores too large for the heap (big sketches or releases); each score costs a RocksDB write, "
              + "which the throughput benchmark measured at about half the collector's CPU.")
      .define(PROVENANCE, Type.BOOLEAN, true, Importance.LOW,
          "Whether the cluster selectors write every decided sample's provenance (scores, cluster, scorer, CCS "
              + "stratum, selection, redundancy and pruning, with reasons) to the run's selector provenance topic, "
              + "in the step's transaction, and keep it for GET /steps/{t}/samples/{id} and adapt explain. One "
              + "record per pool sample per step; off only to measure what it costs.");

  public SelectorConfig(Map<?, ?> originals) {
    super(DEFINITION, originals);
  }

  /** The definition (for documentation and for checking config files without building a config). */
  public static ConfigDef configDef() {
    return new ConfigDef(DEFINITION);
  }

  public SelectionPolicy policy() {
    return SelectionPolicy.byName(getString(POLICY));
  }

  public long budget() {
    return getLong(BUDGET);
  }

  public long poolCap() {
    return getLong(POOL_CAP);
  }

  public long seed() {
    return getLong(SEED);
  }

  public int reservoirCapacity() {
    return getInt(RESERVOIR);
  }

  public String modelName() {
    return getString(MODEL_NAME);
  }

  public Path stateDir() {
    return Path.of(getString(STATE_DIR));
  }

  public String httpHost() {
    return getString(HTTP_HOST);
  }

  public int httpPort() {
    return getInt(HTTP_PORT);
  }

  public boolean httpEnabled() {
    return httpPort() != HTTP_OFF;
  }

  /** Whether every decided sample's provenance is written and kept ({@link #PROVENANCE}). */
  public boolean provenance() {
    return getBoolean(PROVENANCE);
  }

  /** Whether the scores store lives on the heap ({@link #SCORES_STORE}). */
  public boolean scoresInMemory() {
    return SCORES_STORE_MEMORY.equals(getString(SCORES_STORE));
  }

  public KMeans.Config kmeans() {
    return KMeans.Config.withK(getInt(K)).withNewClusters(newClusters(getString(NEW_CLUSTERS)));
  }

  /** The small-budget rules ({@link #CCS_RULE}, {@link #PRUNE_TIMING}, {@link #PRUNE_RULE}). */
  public ClusterSelector.Rules rules() {
    return new ClusterSelector.Rules(
        REFERENCE.equals(getString(CCS_RULE)) ? CcsSampler.Rule.REFERENCE : CcsSampler.Rule.SPREAD,
        PRUNE_BEFORE_SELECTION.equals(getString(PRUNE_TIMING)) ? ClusterSelector.PruneTiming.BEFORE_SELECTION
            : ClusterSelector.PruneTiming.AFTER_SELECTION,
        REFERENCE.equals(getString(PRUNE_RULE)) ? SemDeDup.Rule.REFERENCE : SemDeDup.Rule.ORDER_FREE,
        getDouble(PRUNE_DUPLICATE_COSINE));
  }

  public ScorerChoice.Mode entropyMode() {
    return ScorerChoice.Mode.byName(getString(ENTROPY_MODE));
  }

  public int pruneMaxPairwise() {
    return getInt(PRUNE_MAX_PAIRWISE);
  }

  /** The algorithm settings of a step, exactly as the single-JVM {@link StepPlanner} would use them. */
  public StepPlanner.Settings stepSettings(int step) {
    return new StepPlanner.Settings(seed(), step, budget(), poolCap(), kmeans(), reservoirCapacity(),
        entropyMode(), pruneMaxPairwise(), rules());
  }

  /**
   * The Kafka Streams settings: run-scoped application id, exactly_once_v2, the state directory, and
   * {@code application.server} when the query server runs (so instances can find each other's stores).
   *
   * @param applicationServer {@code host:port} of this instance's query server, or null
   */
  public Properties streamsProperties(String applicationServer) {
    Map<String, Object> p = new HashMap<>(clientProps());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, catalogue().runScopedName("selector"));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, getString(STATE_DIR));
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, getInt(THREADS));
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replicationFactor());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL_MS));
    p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        getInt(TRANSACTION_TIMEOUT_MS));
    p.putIfAbsent(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, getInt(INPUT_BUFFER_RECORDS));
    p.putIfAbsent(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), getInt(FETCH_MAX_WAIT_MS));
    // No task waits for its other inputs to line up by timestamp: the step protocol orders work by markers and
    // sorts by sample id, never by arrival time across topics. Waiting bought nothing and, in the pool task (four
    // inputs, only scores moving), its per-record check cost a tenth of the stream thread's CPU.
    p.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    if (applicationServer != null) {
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    }
    Properties props = new Properties();
    props.putAll(p);
    return props;
  }

  private static String defaultStateDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "adapt-selector").toString();
  }

  private static void validatePolicy(String name, Object value) {
    try {
      SelectionPolicy.byName((String) value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, value, e.getMessage());
    }
  }

  private static KMeans.NewClusters newClusters(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case NEW_CLUSTERS_CALIBRATED -> KMeans.NewClusters.CALIBRATED;
      case REFERENCE, "true" -> KMeans.NewClusters.REFERENCE;
      case NEW_CLUSTERS_OFF, "false" -> KMeans.NewClusters.OFF;
      default -> throw new IllegalArgumentException("must be calibrated, reference or off, got " + value);
    };
  }

  private static void validateNewClusters(String name, Object value) {
    try {
      newClusters((String) value);
    } catch (RuntimeException e) {
      throw new ConfigException(name, value, "must be calibrated, reference or off");
    }
  }

  private static void validateEntropyMode(String name, Object value) {
    try {
      ScorerChoice.Mode.byName(((String) value).toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new ConfigException(name, value, "must be STANDARDISED or REFERENCE");
    }
  }
}
