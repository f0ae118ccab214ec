package io.adaptstream.model;

import java.util.Locale;
import java.util.Properties;

/**
 * How the PyTorch engine starts when no service chose: the one setting of this module that comes from the JVM's
 * system properties rather than a service's typed config.
 *
 * <p>Services pass the mode from their own config ({@code scoring.deterministic}, {@code trainer.deterministic})
 * to {@link DjlRuntime#init(boolean)}. Code that reaches the engine without a service (a test, a benchmark's
 * helper) gets this default instead, which the test runners of model, scoring and trainer set to {@code true}:
 * one PyTorch thread, bit-identical results, no OpenMP threads waiting on each other on a busy machine.
 *
 * @param deterministic whether the engine starts with one thread (bit-identical results)
 */
public record EngineConfig(boolean deterministic) {

  /** The system property that sets {@link #deterministic()} when no service chose the mode. */
  public static final String DETERMINISTIC = "adapt.deterministic";

  /** What {@link #DETERMINISTIC} means, for error messages and help. */
  public static final String DETERMINISTIC_DOC = "start the PyTorch engine with one thread (bit-identical runs) "
      + "when no service chose the mode: true or false, default false";

  /** The default: the engine's own thread count. */
  public static final EngineConfig DEFAULT = new EngineConfig(false);

  /** The config the JVM's system properties give. */
  public static EngineConfig fromSystemProperties() {
    return from(System.getProperties());
  }

  /**
   * The config the given properties give; an absent key means the default.
   *
   * @throws IllegalArgumentException if the value is neither {@code true} nor {@code false}
   */
  public static EngineConfig from(Properties properties) {
    String value = properties.getProperty(DETERMINISTIC);
    if (value == null || value.isBlank()) {
      return DEFAULT;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> new EngineConfig(true);
      case "false" -> new EngineConfig(false);
      default -> throw new IllegalArgumentException(
          "invalid value '" + value + "' for " + DETERMINISTIC + ": " + DETERMINISTIC_DOC);
    };
  }
}
