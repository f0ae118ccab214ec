/**
 * The selector service: starts the Kafka Streams application that keeps the pool, coordinates steps, clusters
 * scores and selects each step's training set ({@link io.adaptstream.selector.SelectorService}).
 *
 * <p>Settings are in {@link io.adaptstream.selector.SelectorConfig}; the selection rules themselves live, free of
 * Kafka, in {@code io.adaptstream.selector.algo}.
 */
package io.adaptstream.selector;
