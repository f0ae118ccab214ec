/**
 * The services {@code adapt serve} can run, by name, each from its own typed config
 * ({@link io.adaptstream.cli.serve.ServiceLauncher}).
 *
 * <p>One registry so the command, local mode, the demo and the compose-file check see the same services and the
 * same key definitions.
 */
package io.adaptstream.cli.serve;
