package io.adaptstream.cli;

import picocli.CommandLine.Option;

/**
 * {@code --fast}: the commands that train (demo, experiment, local mode) trade bit-identical runs for speed the
 * same way, so they share the option and its help text.
 */
public final class FastOption {

  @Option(names = "--fast",
      description = "Two PyTorch threads instead of one: faster, but results are no longer bit-identical run to run.")
  boolean fast;

  /** Whether runs may give up bit-identical results for speed. */
  public boolean fast() {
    return fast;
  }
}
