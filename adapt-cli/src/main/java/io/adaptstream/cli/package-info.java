/**
 * The {@code adapt} command line: one class per subcommand, wired by {@link io.adaptstream.cli.AdaptCli}, plus the
 * option blocks and addresses the subcommands share.
 *
 * <p>adapt-cli is the composition root: the only module that depends on every service, so this is where they are
 * configured (through their typed configs) and started together; no other module depends on it.
 */
package io.adaptstream.cli;
