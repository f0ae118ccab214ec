/**
 * Readers of a deployment's topics that other parts of the project are about to own: a run's {@code models} and
 * {@code evals} ({@link io.adaptstream.cli.pipeline.RunTopics}) and the release table
 * ({@link io.adaptstream.cli.pipeline.ReleaseTable}), over the {@link io.adaptstream.cli.pipeline.Cluster} view of
 * a deployment.
 *
 * <p>Kept apart from the run engine ({@code io.adaptstream.cli.run}) because they move, as one, into the shared
 * runtime module that reads topics to their end for every service.
 */
package io.adaptstream.cli.pipeline;
