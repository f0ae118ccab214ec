/**
 * The demo run: one whole lifelong-learning run through all four services
 * ({@link io.adaptstream.cli.run.demo.DemoJob}), its progress, its {@code results.json} record, report and charts,
 * and the compute protocol the runs share.
 *
 * <p>Apart from the commands so {@code adapt demo}, local mode and the experiment all run and record a run the same
 * way.
 */
package io.adaptstream.cli.run.demo;
