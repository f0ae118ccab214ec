/**
 * Schema registry access over the Confluent REST API: the client every serde uses (with retries while the registry
 * is unavailable) and its errors.
 *
 * <p>No Confluent client library can be had from Maven Central without the Confluent repository, so the project
 * speaks the API itself; the in-process registry that local mode and tests run lives in the local-registry module.
 */
package io.adaptstream.schemas.registry;
