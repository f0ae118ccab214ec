/**
 * The selector's algorithms in plain Java, with no Kafka in them, so they can be tested in isolation and run
 * unchanged by the whole-pool {@link io.adaptstream.selector.algo.StepPlanner} and by the distributed topology.
 *
 * <p>A step: a {@link io.adaptstream.selector.algo.Reservoir} bounds the sample that
 * {@link io.adaptstream.selector.algo.KMeans} is fitted on (warm-started from the previous step's centroids);
 * every member is assigned to a pseudo-task; {@link io.adaptstream.selector.algo.StepBudgets} turns global cluster
 * counts into per-cluster keep and training budgets ({@link io.adaptstream.selector.algo.BudgetSplit}); then each
 * cluster, on its own, runs {@link io.adaptstream.selector.algo.ClusterSelector}:
 * {@link io.adaptstream.selector.algo.ScorerChoice}, {@link io.adaptstream.selector.algo.CcsSampler} and
 * {@link io.adaptstream.selector.algo.SemDeDup} pruning (after selection by default, before it under the
 * reference rule), as its {@link io.adaptstream.selector.algo.SelectionPolicy} says.
 *
 * <p>Determinism contract: every random choice is seeded through {@link io.adaptstream.selector.algo.Seeds} from
 * (experiment seed, step, cluster id); every input list is in sample-id order (callers that gather members from
 * several partitions sort them first); ties are broken by cluster id or member order. The same inputs give
 * bit-identical outputs.
 */
package io.adaptstream.selector.algo;
