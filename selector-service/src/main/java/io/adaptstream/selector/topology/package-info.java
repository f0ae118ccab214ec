/**
 * The selector as one Kafka Streams topology ({@link io.adaptstream.selector.topology.SelectorTopology}): the pool,
 * step coordinator, score collector, cluster fitter and cluster selector processors, their stores and partitioners.
 *
 * <p>Everything here is Kafka plumbing around the algorithms of {@code io.adaptstream.selector.algo}, which it
 * calls and which never call back.
 */
package io.adaptstream.selector.topology;
