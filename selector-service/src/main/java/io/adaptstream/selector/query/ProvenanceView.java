package io.adaptstream.selector.query;

import io.adaptstream.avro.SampleProvenance;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the selector did with one pool sample at one step and why: the JSON form of a {@link SampleProvenance}
 * record, answered by {@code GET /steps/{t}/samples/{id}} and printed by {@code adapt explain --json}. Kept apart
 * from the Avro record so the answer's shape is a plain, documented object.
 *
 * @param release the release it was published in
 * @param sourceId the id it had in the published file
 * @param fresh whether it came with the step's new release
 * @param model the model whose version scored it
 * @param modelVersion that version (-1: unknown)
 * @param scores raw scores by scorer label
 * @param centroidDistance Euclidean distance of its sketch to its cluster's centroid (-1: no clustering)
 * @param clusterSize the cluster's members over all partitions
 * @param scorer the cluster's chosen scorer ({@code none} without scores)
 * @param entropies every considered scorer's entropy in the cluster (bits)
 * @param rankedScore its score under the chosen scorer as ranked (log for perplexity), or null
 * @param candidate whether it could be selected
 * @param ccsStratum its CCS stratum (0 = highest scores), -1 in none
 * @param ccsStrata the strata CCS used (0 without CCS)
 * @param selection why it was or was not selected
 * @param redundancy SemDeDup's statistic (max cosine to a compared member), or null when nothing was compared
 * @param nearest the member that cosine is to
 * @param pruned whether it left the pool for good at this step
 * @param pruneReason {@code near-duplicate}, {@code over-cap} or {@code retired}; null when kept
 * @param duplicateOf the sample it is redundant to
 */
public record ProvenanceView(int step, String sampleId, String release, String sourceId, String skill, boolean fresh,
    String model, int modelVersion, Map<String, Double> scores, int cluster, double centroidDistance,
    long clusterSize, long trainBudget, long keepBudget, String scorer, Map<String, Double> entropies,
    Double rankedScore, boolean candidate, int ccsStratum, int ccsStrata, boolean selected, String selection,
    Double redundancy, String nearest, boolean pruned, String pruneReason, String duplicateOf) {

  /** The view of a record. */
  public static ProvenanceView of(SampleProvenance p) {
    return new ProvenanceView(p.getStep(), str(p.getSampleId()), str(p.getRelease()), str(p.getSourceId()),
        str(p.getSkill()), p.getFresh(), str(p.getModel()), p.getModelVersion(), doubles(p.getScores()),
        p.getCluster(), p.getCentroidDistance(), p.getClusterSize(), p.getTrainBudget(), p.getKeepBudget(),
        str(p.getScorer()), doubles(p.getEntropies()), p.getRankedScore(), p.getCandidate(), p.getCcsStratum(),
        p.getCcsStrata(), p.getSelected(), str(p.getSelection()), p.getRedundancy(), str(p.getNearest()),
        p.getPruned(), str(p.getPruneReason()), str(p.getDuplicateOf()));
  }

  private static String str(CharSequence s) {
    return s == null ? null : s.toString();
  }

  private static Map<String, Double> doubles(Map<? extends CharSequence, Double> m) {
    Map<String, Double> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k.toString(), v));
    return out;
  }
}
