package io.adaptstream.selector.algo;

/**
 * Splits a budget over groups (clusters, or CCS strata) from their GLOBAL sizes.
 *
 * <p>{@link #equal} is water-filling toward equal samples per group, as the reference's
 * {@code assign_budget_to_cluster}: groups smaller than the level are taken whole and the rest share the remainder
 * equally. Unlike the reference (which gives every cluster {@code ceil(budget/k)} and so can overshoot), the result
 * sums to exactly {@code min(budget, total)}: the level is the largest integer L with
 * {@code sum(min(size, L)) <= budget}, and the few samples left over go one each to the lowest-numbered groups that
 * still have room. The outcome is max-min fair: a group that did not get all its samples got at least as many as
 * any other group, minus one.
 *
 * <p>{@link #proportional} is the largest-remainder split, used by policies whose selection is meant to be
 * uniform over the pool (stratified by cluster).
 */
public final class BudgetSplit {

  private BudgetSplit() {}

  /** Water-filled split; entry c is group c's share. Sums to exactly {@code min(budget, sum(sizes))}. */
  public static long[] equal(long[] sizes, long budget) {
    return equal(sizes, budget, null);
  }

  /**
   * {@link #equal(long[], long)} with the few leftover samples given to groups with room in {@code leftoverOrder}
   * (a permutation of the group ids) instead of lowest id first; null means lowest id first.
   */
  public static long[] equal(long[] sizes, long budget, int[] leftoverOrder) {
    if (leftoverOrder != null && leftoverOrder.length != sizes.length) {
      throw new IllegalArgumentException("leftover order has " + leftoverOrder.length + " entries for "
          + sizes.length + " groups");
    }
    long total = checkedTotal(sizes, budget);
    long target = Math.min(budget, total);
    long[] out = new long[sizes.length];
    if (target == 0) {
      return out;
    }
    long max = 0;
    for (long s : sizes) {
      max = Math.max(max, s);
    }
    // largest level L with sum(min(s, L)) <= target; the predicate is monotone in L
    long lo = 0;
    long hi = max;
    while (lo < hi) {
      long mid = lo + (hi - lo + 1) / 2;
      if (filled(sizes, mid) <= target) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    long level = lo;
    long left = target;
    for (int c = 0; c < sizes.length; c++) {
      out[c] = Math.min(sizes[c], level);
      left -= out[c];
    }
    // fewer left over than groups with room above the level (else the level would be higher)
    for (int r = 0; r < sizes.length && left > 0; r++) {
      int c = leftoverOrder == null ? r : leftoverOrder[r];
      if (sizes[c] > level) {
        out[c]++;
        left--;
      }
    }
    return out;
  }

  /** {@link #equal(long[], long)} for int counts. */
  public static int[] equal(int[] sizes, int budget) {
    return toInt(equal(toLong(sizes), budget));
  }

  /**
   * Largest-remainder split proportional to size; sums to exactly {@code min(budget, sum(sizes))}, never gives a
   * group more than its size, and breaks equal remainders by the lowest group id.
   */
  public static long[] proportional(long[] sizes, long budget) {
    long total = checkedTotal(sizes, budget);
    long target = Math.min(budget, total);
    long[] out = new long[sizes.length];
    if (target == 0) {
      return out;
    }
    long[] remainder = new long[sizes.length];
    long left = target;
    for (int c = 0; c < sizes.length; c++) {
      long product = Math.multiplyExact(target, sizes[c]);
      out[c] = product / total;
      remainder[c] = product % total;
      left -= out[c];
    }
    while (left > 0) {
      int best = -1;
      for (int c = 0; c < sizes.length; c++) {
        if (remainder[c] > 0 && (best < 0 || remainder[c] > remainder[best])) {
          best = c;
        }
      }
      out[best]++;
      remainder[best] = 0;
      left--;
    }
    return out;
  }

  private static long filled(long[] sizes, long level) {
    long sum = 0;
    for (long s : sizes) {
      sum += Math.min(s, level);
    }
    return sum;
  }

  private static long checkedTotal(long[] sizes, long budget) {
    if (budget < 0) {
      throw new IllegalArgumentException("budget must be >= 0, got " + budget);
    }
    long total = 0;
    for (int c = 0; c < sizes.length; c++) {
      if (sizes[c] < 0) {
        throw new IllegalArgumentException("group " + c + " has negative size " + sizes[c]);
      }
      total = Math.addExact(total, sizes[c]);
    }
    return total;
  }

  private static long[] toLong(int[] a) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }

  private static int[] toInt(long[] a) {
    int[] out = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = Math.toIntExact(a[i]);
    }
    return out;
  }
}
