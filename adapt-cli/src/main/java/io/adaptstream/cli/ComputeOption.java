package io.adaptstream.cli;

import io.adaptstream.cli.run.demo.Protocol;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code --compute}: the commands that run the pipeline over the benchmark (demo, experiment) train under the same
 * {@link Protocol}, so they share the option and its help text.
 */
public final class ComputeOption {

  @Option(names = "--compute", paramLabel = "MODE", defaultValue = "equal", converter = Converter.class,
      description = "How much each method trains per time step (default: ${DEFAULT-VALUE}). equal: every method "
          + "makes the same number of optimizer steps (trainer.steps) drawn from its own training set, so only the "
          + "choice of data differs; as-defined: each method trains " + Protocol.AS_DEFINED_EPOCHS + " epochs over "
          + "whatever it has (sequential the "
          + "new release, multitask all data so far), the settings of the table before the equal-compute protocol.")
  Protocol.Compute compute = Protocol.Compute.EQUAL;

  /** The chosen mode. */
  public Protocol.Compute compute() {
    return compute;
  }

  /** Reads {@code equal} and {@code as-defined}. */
  static final class Converter implements ITypeConverter<Protocol.Compute> {
    @Override
    public Protocol.Compute convert(String value) {
      return Protocol.Compute.parse(value);
    }
  }
}
