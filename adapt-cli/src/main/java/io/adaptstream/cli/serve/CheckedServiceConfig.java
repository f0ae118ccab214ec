package io.adaptstream.cli.serve;

import io.adaptstream.runtime.config.ServiceConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Settings checked against a {@link ServiceSpec}'s definition before the service itself is built, so every
 * service refuses unknown keys, missing required keys and malformed values with the same message, even one
 * whose own config class is not wired in yet.
 */
final class CheckedServiceConfig extends ServiceConfig {

  CheckedServiceConfig(ConfigDef definition, Map<String, String> settings) {
    super(definition, settings);
  }
}
