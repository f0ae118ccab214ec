package io.adaptstream.schemas;

import io.adaptstream.avro.Centroids;
import io.adaptstream.avro.ClusterEvent;
import io.adaptstream.avro.Coordination;
import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.PoolControl;
import io.adaptstream.avro.Release;
import io.adaptstream.avro.SampleProvenance;
import io.adaptstream.avro.ReservoirEvent;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.SelectionEvent;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every topic of the system, in one immutable place. No other code spells a topic name.
 *
 * <p>Two levels of naming keep experiments apart on one cluster:
 * <ul>
 *   <li>the <em>prefix</em> (default {@code adapt}) namespaces a whole deployment; tests use a fresh prefix each so
 *       they never share topics;</li>
 *   <li>the <em>run</em> namespaces what a pipeline derives from the ingest log (score requests, scores,
 *       selections, models, evaluations). The ingest log, the release table and the dead-letter topic are shared
 *       by every run, so a replay under a new run id re-reads the same data and writes its results apart. The
 *       default run uses the brief's plain names ({@code adapt.scores}); run {@code r2} uses
 *       {@code adapt.r2.scores}.</li>
 * </ul>
 *
 * <p>The selector's own topics (its steps' internal hops: pool control, coordination, reservoir slices, centroids,
 * cluster-keyed members) are run-scoped too and named {@code <prefix>[.<run>].selector.<logical>}. They are
 * ordinary topics rather than Kafka Streams repartition topics because several tasks write each of them with
 * explicit, multicast partitioning of step markers.
 */
public final class TopicCatalogue {

  public static final String DEFAULT_PREFIX = "adapt";
  public static final String DEFAULT_RUN = "default";
  /** Data topics get this many partitions unless told otherwise, so multi-partition steps are always exercised. */
  public static final int DEFAULT_DATA_PARTITIONS = 3;

  private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final long FOREVER = -1L;
  private static final long DERIVED_RETENTION_MS = Duration.ofDays(30).toMillis();

  private final String prefix;
  private final String run;
  private final int dataPartitions;

  public final Topic<IngestEvent> ingest;
  public final Topic<Release> releases;
  public final Topic<DeadLetter> dlq;
  public final Topic<ScoreRequestEvent> scoreRequests;
  public final Topic<ScoresEvent> scores;
  public final Topic<SelectionEvent> selections;
  public final Topic<ModelVersion> models;
  public final Topic<EvalResult> evals;
  /** Selector: step starts (multicast) and permanent deletions (by sample id) for the pool tasks. */
  public final Topic<PoolControl> poolControl;
  /** Selector: seal and phase reports for the step coordinator (one partition). */
  public final Topic<Coordination> coordination;
  /** Selector: score collectors' reservoir slices for the cluster fitter (one partition). */
  public final Topic<ReservoirEvent> reservoir;
  /** Selector: each step's centroids, multicast to every score collector. */
  public final Topic<Centroids> centroids;
  /** Selector: step members keyed by cluster id, for the cluster selectors. */
  public final Topic<ClusterEvent> byCluster;
  /**
   * Selector: what it decided about every pool sample at every step and why, keyed {@code <step>/<sample id>}
   * (compacted, kept forever: it is the run's record of its choices, read after the run by {@code adapt explain}).
   * Not internal: the selector writes it, queries and the command line read it.
   */
  public final Topic<SampleProvenance> provenance;

  private TopicCatalogue(String prefix, String run, int dataPartitions) {
    this.prefix = checkName("prefix", prefix);
    this.run = checkName("run", run);
    if (dataPartitions < 1 || dataPartitions > 1024) {
      throw new IllegalArgumentException("data partitions must be in [1, 1024], got " + dataPartitions);
    }
    this.dataPartitions = dataPartitions;
    ingest = shared("ingest", IngestEvent.class, dataPartitions, Topic.Cleanup.DELETE, FOREVER);
    releases = shared("releases", Release.class, 1, Topic.Cleanup.COMPACT, FOREVER);
    dlq = shared("dlq", DeadLetter.class, 1, Topic.Cleanup.DELETE, FOREVER);
    scoreRequests = derived("score-requests", ScoreRequestEvent.class, dataPartitions, Topic.Cleanup.DELETE,
        DERIVED_RETENTION_MS);
    scores = derived("scores", ScoresEvent.class, dataPartitions, Topic.Cleanup.DELETE, DERIVED_RETENTION_MS);
    selections = derived("selections", SelectionEvent.class, dataPartitions, Topic.Cleanup.DELETE,
        DERIVED_RETENTION_MS);
    models = derived("models", ModelVersion.class, 1, Topic.Cleanup.COMPACT, FOREVER);
    evals = derived("evals", EvalResult.class, 1, Topic.Cleanup.COMPACT, FOREVER);
    poolControl = derived("selector.pool-control", PoolControl.class, dataPartitions, Topic.Cleanup.DELETE, FOREVER);
    coordination = derived("selector.coordination", Coordination.class, 1, Topic.Cleanup.DELETE, FOREVER);
    reservoir = derived("selector.reservoir", ReservoirEvent.class, 1, Topic.Cleanup.DELETE, DERIVED_RETENTION_MS);
    centroids = derived("selector.centroids", Centroids.class, dataPartitions, Topic.Cleanup.DELETE, FOREVER);
    byCluster = derived("selector.by-cluster", ClusterEvent.class, dataPartitions, Topic.Cleanup.DELETE,
        DERIVED_RETENTION_MS);
    provenance = derived("selector.provenance", SampleProvenance.class, dataPartitions, Topic.Cleanup.COMPACT,
        FOREVER);
  }

  /** The catalogue of the default deployment: prefix {@code adapt}, run {@code default}, 3 data partitions. */
  public static TopicCatalogue defaults() {
    return of(DEFAULT_PREFIX, DEFAULT_RUN, DEFAULT_DATA_PARTITIONS);
  }

  public static TopicCatalogue of(String prefix, String run, int dataPartitions) {
    return new TopicCatalogue(prefix, run, dataPartitions);
  }

  /** The same deployment, another run: shares ingest, releases and dlq with this one. */
  public TopicCatalogue withRun(String otherRun) {
    return new TopicCatalogue(prefix, otherRun, dataPartitions);
  }

  public String prefix() {
    return prefix;
  }

  public String run() {
    return run;
  }

  public int dataPartitions() {
    return dataPartitions;
  }

  /** Every topic, shared ones first, the selector's internal ones last. */
  public List<Topic<?>> all() {
    return List.of(ingest, releases, dlq, scoreRequests, scores, selections, models, evals, poolControl,
        coordination, reservoir, centroids, byCluster, provenance);
  }

  /** The topics only this run writes. */
  public List<Topic<?>> runTopics() {
    return List.of(scoreRequests, scores, selections, models, evals, poolControl, coordination, reservoir, centroids,
        byCluster, provenance);
  }

  /** The selector's internal topics: only the selector reads and writes them. */
  public List<Topic<?>> selectorTopics() {
    return List.of(poolControl, coordination, reservoir, centroids, byCluster);
  }

  /**
   * A name for something else this run owns (a Kafka Streams application id, a transactional id prefix),
   * derived the same way as topic names so two runs never collide.
   */
  public String runScopedName(String what) {
    return prefix + "." + (DEFAULT_RUN.equals(run) ? "" : run + ".") + Objects.requireNonNull(what);
  }

  private <V extends SpecificRecord> Topic<V> shared(String logical, Class<V> type, int partitions,
      Topic.Cleanup cleanup, long retentionMs) {
    return new Topic<>(logical, prefix + "." + logical, type, partitions, cleanup, retentionMs);
  }

  private <V extends SpecificRecord> Topic<V> derived(String logical, Class<V> type, int partitions,
      Topic.Cleanup cleanup, long retentionMs) {
    return new Topic<>(logical, runScopedName(logical), type, partitions, cleanup, retentionMs);
  }

  private static String checkName(String what, String value) {
    if (value == null || !LEGAL.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what + " must be 1-64 characters of letters, digits, '_' or '-', got: " + value);
    }
    return value;
  }

  @Override
  public String toString() {
    return "TopicCatalogue{prefix=" + prefix + ", run=" + run + ", dataPartitions=" + dataPartitions + "}";
  }
}
