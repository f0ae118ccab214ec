/**
 * The selector's interactive queries: an HTTP server that answers for the whole application from every instance's
 * stores, its client (used by {@code adapt status} and tests) and the JSON views they exchange.
 *
 * <p>Apart from the topology so what the selector shows can change without touching how it processes records.
 */
package io.adaptstream.selector.query;
