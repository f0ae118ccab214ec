/**
 * The services' metrics, once: {@link io.adaptstream.runtime.metrics.MetricsEndpoint} (a Micrometer Prometheus
 * registry and the small HTTP server that serves it at {@code /metrics}),
 * {@link io.adaptstream.runtime.metrics.ServiceMeters} (the meters every service records the same way: dead letters by
 * reason, step phase timers, its Kafka clients) and {@link io.adaptstream.runtime.metrics.ConsumerGroupLag}.
 *
 * <p>Its own package so that the four services name their meters alike ({@code adapt_...}, one tag {@code service})
 * and local mode can hand all of them one registry served by one endpoint.
 */
package io.adaptstream.runtime.metrics;
