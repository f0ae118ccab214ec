package io.adaptstream.cli;

import io.adaptstream.selector.algo.SelectionPolicy;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --method}: the selection method of the one run a command starts (demo, local up), so they share the option
 * and its help, which names every method; {@link #requireKnown} is the check every command that takes a method
 * makes before anything starts.
 */
public final class MethodOption {

  @Option(names = "--method", paramLabel = "POLICY", defaultValue = "adapt",
      description = "Selection method of the run (default: ${DEFAULT-VALUE}): adapt, lite, sequential, random, el2n, "
          + "entropy, perplexity, grounding, semdedup, multitask.")
  String method = "adapt";

  String method() {
    return method;
  }

  /** A usage error of {@code spec}'s command unless {@code method} is a selection method. */
  static void requireKnown(CommandSpec spec, String method) {
    if (!SelectionPolicy.all().containsKey(method)) {
      throw new ParameterException(spec.commandLine(), "unknown method '" + method + "'; valid: "
          + String.join(", ", SelectionPolicy.all().keySet()));
    }
  }
}
