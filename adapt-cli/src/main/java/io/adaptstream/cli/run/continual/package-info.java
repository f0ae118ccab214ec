/**
 * Continual-learning metrics of a run: the accuracy matrix (every model version on every skill or release) and
 * what the field reports from it (average accuracy, forgetting, backward and forward transfer).
 *
 * <p>Kafka-free and DJL-free, so the definitions are tested on hand-made matrices and every output of a run
 * (results, status, report, experiment table) computes them the same way.
 */
package io.adaptstream.cli.run.continual;
