/**
 * Running a run's services inside this process, each on its own thread with its own Kafka clients
 * ({@link io.adaptstream.cli.pipeline.Pipeline}), and reading a run's state back from its topics.
 *
 * <p>Shared by the demo, the experiment and local mode, so they start the services the same way they would run in
 * separate containers.
 */
package io.adaptstream.cli.pipeline;
