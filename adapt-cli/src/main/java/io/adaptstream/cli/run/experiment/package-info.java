/**
 * Method comparisons: every selection method through the real pipeline on the same recorded data per seed
 * ({@link io.adaptstream.cli.run.experiment.ExperimentJob}), and the statistics, tables and charts that compare them.
 *
 * <p>Kept apart from the demo because it adds what one run does not need: several runs per seed, a shared base
 * model, paired differences and bootstrap intervals.
 */
package io.adaptstream.cli.run.experiment;
