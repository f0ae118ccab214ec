package io.adaptstream.selector.query;

import java.util.Map;

/**
 * One cluster of a step: the fit's view (reservoir points, centroid norm) and the selector's decision. Either
 * part is null while it does not exist yet (or, from a single instance, when another instance holds it).
 *
 * @param size global members
 * @param keep pool members it keeps after pruning
 * @param trainBudget samples it may select
 * @param scorer the chosen scorer ({@code none} for policies without scores)
 * @param entropies each considered scorer's histogram entropy (bits)
 * @param fitted reservoir points k-means put in it
 * @param centroidNorm norm of the mean of those unit sketches: near 1 tight, near 0 spread
 * @param skills members per skill label ({@code -} for none)
 * @param selectedSkills selected members per skill label
 */
public record ClusterView(int step, int cluster, Long size, Long fresh, Long keep, Long trainBudget, String scorer,
    Map<String, Double> entropies, Long selected, Long pruned, Long fitted, Double centroidNorm,
    Map<String, Long> skills, Map<String, Long> selectedSkills) {

  /** This view completed with the other's non-null parts. */
  public ClusterView merge(ClusterView o) {
    return new ClusterView(step, cluster, or(size, o.size), or(fresh, o.fresh), or(keep, o.keep),
        or(trainBudget, o.trainBudget), or(scorer, o.scorer), or(entropies, o.entropies), or(selected, o.selected),
        or(pruned, o.pruned), or(fitted, o.fitted), or(centroidNorm, o.centroidNorm), or(skills, o.skills),
        or(selectedSkills, o.selectedSkills));
  }

  private static <T> T or(T a, T b) {
    return a != null ? a : b;
  }
}
