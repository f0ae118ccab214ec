/**
 * What the pipeline costs over the work itself: a finished run's steps redone in one process without Kafka, phase
 * by phase, and the ratios of the two.
 */
package io.adaptstream.cli.run.overhead;
