/**
 * An in-process schema registry speaking the Confluent REST API, for local mode and tests.
 *
 * <p>A module of its own so that no service ships an HTTP server it never runs: deployments point at a real
 * Confluent Schema Registry.
 */
package io.adaptstream.localregistry;
