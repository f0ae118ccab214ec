/**
 * Avro serdes in Confluent's wire format (magic byte, schema id, Avro body), so records written here are read by
 * Confluent's own tools and the other way round.
 *
 * <p>A value whose schema id the registry does not know fails with {@link
 * io.adaptstream.schemas.serde.UnknownSchemaException}, which readers dead-letter instead of retrying.
 */
package io.adaptstream.schemas.serde;
