/**
 * Local mode: the whole system on one machine without Docker, a real KRaft broker in a child JVM, the schema
 * registry in this process and the blob store in a directory, all in one data directory
 * ({@link io.adaptstream.cli.local.LocalMode}).
 *
 * <p>Its own package because it owns processes, a lock and on-disk state that outlive one command.
 */
package io.adaptstream.cli.local;
