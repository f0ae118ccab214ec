/**
 * The scoring service: transactional workers that score every score request of a step with the requested
 * model version and write gradient sketches, embeddings and scores to the scores topic, partition for
 * partition, forwarding the step markers behind them with exact counts.
 *
 * <p>Start with {@link io.adaptstream.scoring.ScoringService}; settings are in
 * {@link io.adaptstream.scoring.ScoringConfig}.
 */
package io.adaptstream.scoring;
