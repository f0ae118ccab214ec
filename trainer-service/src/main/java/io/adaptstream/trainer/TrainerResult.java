package io.adaptstream.trainer;

import io.adaptstream.avro.ModelVersion;

/**
 * What one {@link TrainerService#run()} did, for the caller and for tests to assert on without reading the topics
 * back. Counts cover this run only (a restarted trainer starts from zero); everything counted was committed.
 *
 * @param versionsPublished model versions this run published (version 0 included when it made it)
 * @param stepsTrained steps (versions {@code >= 1}) this run published
 * @param deadLetters dead letters committed with those versions (selections, selected or pretraining samples that
 *     could not be used, release table poison)
 * @param unreadableIngestRecords ingest log records skipped as unreadable (the selector reports those)
 * @param latest the newest published version when the run ended, whoever published it; null when there was none
 */
public record TrainerResult(int versionsPublished, int stepsTrained, long deadLetters, long unreadableIngestRecords,
    ModelVersion latest) {}
