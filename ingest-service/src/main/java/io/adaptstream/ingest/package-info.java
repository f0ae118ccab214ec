/**
 * The ingest service: validates published datasets, stores their images in the blob store and writes samples and
 * release seals to the ingest log and the release table, exactly once.
 *
 * <p>The only way data enters the system, so every later service can trust what it reads (bad input becomes dead
 * letters here). Settings are in {@link io.adaptstream.ingest.IngestConfig}.
 */
package io.adaptstream.ingest;
