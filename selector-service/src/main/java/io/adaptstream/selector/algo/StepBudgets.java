package io.adaptstream.selector.algo;

/**
 * Per-cluster keep and training budgets for one step, from GLOBAL per-cluster counts. A cluster-keyed task only
 * sees its own members, so every task computes this from the same global counts and gets the same numbers.
 *
 * <p>The keep budget is the pool cap water-filled over the cluster sizes; pruning keeps exactly
 * {@code min(size, keep)} per cluster. The training budget is water-filled over the candidates: every member when
 * pruning comes after selection ({@link ClusterSelector.PruneTiming#AFTER_SELECTION}, the default), the keep
 * budget when it comes before (the reference), so the candidate counts are known before any pruning runs.
 *
 * @param keep pool members each cluster keeps ({@code sizes} when nothing is pruned; 0 when the policy keeps no
 *     pool)
 * @param candidates members each cluster may select from
 * @param train samples each cluster selects
 */
public record StepBudgets(long[] keep, long[] candidates, long[] train) {

  /**
   * Plans one step.
   *
   * @param sizes members per cluster (pool plus fresh)
   * @param freshSizes fresh members per cluster
   * @param trainingBudget the configured training budget (before the policy's factor)
   * @param poolCap the configured pool cap (before the policy's factor)
   * @param pruneTiming whether a pruning policy selects from all members or from the survivors
   */
  public static StepBudgets plan(SelectionPolicy policy, long[] sizes, long[] freshSizes, long trainingBudget,
      long poolCap, ClusterSelector.PruneTiming pruneTiming) {
    if (sizes.length != freshSizes.length) {
      throw new IllegalArgumentException("sizes and freshSizes differ in length");
    }
    int k = sizes.length;
    long[] keep;
    long[] candidates;
    switch (policy.pool()) {
      case PRUNE_TO_CAP -> {
        keep = BudgetSplit.equal(sizes, policy.effectivePoolCap(poolCap));
        candidates = pruneTiming == ClusterSelector.PruneTiming.AFTER_SELECTION ? sizes.clone() : keep.clone();
      }
      case KEEP_ALL -> {
        keep = sizes.clone();
        candidates = sizes.clone();
      }
      case NEW_RELEASE_ONLY -> {
        keep = new long[k];
        candidates = freshSizes.clone();
      }
      default -> throw new IllegalStateException("unknown pool rule " + policy.pool());
    }
    long[] train;
    if (policy.budget() == SelectionPolicy.Budget.ALL) {
      train = candidates.clone();
    } else {
      long budget = policy.effectiveBudget(trainingBudget);
      train = policy.allocation() == SelectionPolicy.Allocation.EQUAL
          ? BudgetSplit.equal(candidates, budget) : BudgetSplit.proportional(candidates, budget);
    }
    return new StepBudgets(keep, candidates, train);
  }

  public int clusters() {
    return keep.length;
  }
}
