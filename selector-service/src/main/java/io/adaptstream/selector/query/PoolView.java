package io.adaptstream.selector.query;

/**
 * The pool over all partitions.
 *
 * @param size train samples of sealed task releases still in the pool
 * @param pending train samples of releases not sealed yet
 * @param deleted samples deleted for good (pruned, or retired by a policy that keeps no pool)
 */
public record PoolView(long size, long pending, long deleted) {

  public PoolView plus(PoolView o) {
    return new PoolView(size + o.size, pending + o.pending, deleted + o.deleted);
  }
}
