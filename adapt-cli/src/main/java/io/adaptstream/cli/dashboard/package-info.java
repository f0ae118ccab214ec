/**
 * The live dashboard: a small web server ({@link io.adaptstream.cli.dashboard.Dashboard}) that follows one run of a
 * deployment (the selector's interactive queries, the run's {@code models} and {@code evals} topics, the dead-letter
 * topic) and shows it in a browser as it happens: steps and phases, pool size, clusters with their scorers and skill
 * mix, accuracy per version and skill group, dead letters by reason, and the story of one sample with its image.
 *
 * <p>It is wired in by the commands ({@code adapt dashboard}, {@code adapt demo}, {@code adapt local up}) and depends on
 * the run engine ({@code io.adaptstream.cli.run}) and local mode, never on the commands. The page and its script
 * come from this jar (no CDN); every piece of data reaches the page as JSON and is written with {@code textContent}.
 */
package io.adaptstream.cli.dashboard;
