package io.adaptstream.selector.topology;

import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.selector.SelectorConfig;
import io.adaptstream.selector.SelectorMetrics;
import io.adaptstream.selector.algo.ClusterSelector;
import io.adaptstream.selector.algo.KMeans;
import io.adaptstream.selector.algo.Reservoir;
import io.adaptstream.selector.algo.ScorerChoice;
import io.adaptstream.selector.algo.SelectionPolicy;

/**
 * What every processor of one topology shares, read once from the {@link SelectorConfig}: the topics, the
 * serdes (one registry client and cache), the policy and the algorithm settings, and the meters they report to.
 */
final class SelectorContext {

  /** The {@code service} field of the selector's dead letters. */
  static final String SERVICE = "selector";

  final TopicCatalogue catalogue;
  final AvroSerdes serdes;
  final SelectionPolicy policy;
  final int partitions;
  final long seed;
  final long budget;
  final long poolCap;
  final String modelName;
  final int reservoirCapacity;
  /** Sketches each data partition hands the fitter: its share of the reservoir, with margin. */
  final int sliceCapacity;
  final KMeans.Config kmeans;
  final ScorerChoice.Mode entropyMode;
  final int maxPairwise;
  final boolean scoresInMemory;
  final ClusterSelector.Rules rules;
  final SelectorMetrics metrics;
  /** Whether the cluster selectors write every decided sample's provenance. */
  final boolean provenance;

  SelectorContext(SelectorConfig config, AvroSerdes serdes, SelectorMetrics metrics) {
    this.metrics = metrics;
    this.catalogue = config.catalogue();
    this.serdes = serdes;
    this.policy = config.policy();
    this.partitions = catalogue.dataPartitions();
    this.seed = config.seed();
    this.budget = config.budget();
    this.poolCap = config.poolCap();
    this.modelName = config.modelName();
    this.reservoirCapacity = config.reservoirCapacity();
    this.sliceCapacity = Reservoir.sliceCapacity(reservoirCapacity, partitions);
    this.kmeans = config.kmeans();
    this.entropyMode = config.entropyMode();
    this.maxPairwise = config.pruneMaxPairwise();
    this.scoresInMemory = config.scoresInMemory();
    this.rules = config.rules();
    this.provenance = config.provenance();
  }

  boolean clusters() {
    return policy.clustering() == SelectionPolicy.Clustering.GRADIENT_KMEANS;
  }

  /** A fresh per-cluster selector (each task has its own; they hold no state but are cheap). */
  ClusterSelector clusterSelector() {
    return new ClusterSelector(policy, new ScorerChoice(entropyMode), maxPairwise, rules);
  }
}
