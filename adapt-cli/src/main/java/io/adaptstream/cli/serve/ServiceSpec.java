package io.adaptstream.cli.serve;

import java.util.Objects;
import org.apache.kafka.common.config.ConfigDef;

/**
 * A service the command line knows by name.
 *
 * @param name what {@code adapt serve NAME} takes
 * @param description one line for help texts
 * @param definition every setting the service accepts; the one source of truth for its keys (config files are
 *     checked against it before the service is built)
 * @param factory builds the service from checked settings
 */
public record ServiceSpec(String name, String description, ConfigDef definition, ServiceFactory factory) {

  public ServiceSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(factory, "factory");
  }
}
