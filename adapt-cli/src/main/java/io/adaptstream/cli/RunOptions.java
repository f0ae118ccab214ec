package io.adaptstream.cli;

import io.adaptstream.cli.run.Deployment;
import io.adaptstream.schemas.TopicCatalogue;
import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Which run of a deployment a reading command looks at ({@code adapt status}, {@code adapt dashboard}): the run id,
 * the model's name, and the selector's query server where local.json does not name it.
 */
public final class RunOptions {

  @Option(names = "--selector-url", paramLabel = "URL",
      description = "The selector's query server, e.g. http://127.0.0.1:8085 (default: the one in local.json).")
  URI selectorUrl;

  @Option(names = "--run-id", paramLabel = "RUN", defaultValue = TopicCatalogue.DEFAULT_RUN,
      description = "The run (default: ${DEFAULT-VALUE}).")
  String runId;

  @Option(names = "--model", paramLabel = "NAME", defaultValue = "adapt-vlm",
      description = "The model's name (default: ${DEFAULT-VALUE}).")
  String model;

  /** The selector's query server: {@code --selector-url}, else the one {@code target} names. */
  Optional<URI> selector(Deployment target) {
    return Optional.ofNullable(selectorUrl).or(target::selectorUrl);
  }
}
