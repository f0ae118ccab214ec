/**
 * The run engine the commands call: where the system is ({@link io.adaptstream.cli.run.Deployment}), a run's
 * settings ({@link io.adaptstream.cli.run.PipelineSettings}), its services started inside this process each on its
 * own thread with its own Kafka clients ({@link io.adaptstream.cli.run.Pipeline}, and
 * {@link io.adaptstream.cli.run.LocalPipeline} inside local mode), and a run's state read back
 * ({@link io.adaptstream.cli.run.RunStatus}). The demo and the experiment are jobs built on it, in the sub-packages
 * {@code demo} and {@code experiment}.
 *
 * <p>Apart from the commands ({@code io.adaptstream.cli}), which only parse options, call it and print, so a job runs
 * the same from a command, a test or another program.
 */
package io.adaptstream.cli.run;
