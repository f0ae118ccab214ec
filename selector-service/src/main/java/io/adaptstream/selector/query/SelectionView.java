package io.adaptstream.selector.query;

/**
 * One sample selected for training at a step.
 *
 * @param scorer the scorer that ranked it ({@code none} without scores)
 * @param score its score as the selector used it (log for perplexity)
 * @param fresh whether it came with the step's new release (else it is replayed from the pool)
 * @param skill its optional skill label, or null
 */
public record SelectionView(int step, String sampleId, int cluster, String scorer, double score, boolean fresh,
    String release, String skill) {}
