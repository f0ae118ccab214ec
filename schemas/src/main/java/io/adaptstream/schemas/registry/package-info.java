/**
 * Schema registry access over the Confluent REST API: the client every serde uses (with retries while the registry
 * is unavailable) and the in-process registry that local mode and tests run.
 *
 * <p>No Confluent registry can be had from Maven Central, so the project speaks its API itself; the serdes need only
 * the client.
 */
package io.adaptstream.schemas.registry;
