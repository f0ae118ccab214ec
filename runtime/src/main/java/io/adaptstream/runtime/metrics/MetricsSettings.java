package io.adaptstream.runtime.metrics;

import java.util.Objects;

/**
 * Where a service's {@code /metrics} endpoint listens: {@code metrics.bind.address} and {@code metrics.port} of its
 * config ({@link io.adaptstream.runtime.config.ServiceConfig#metrics()}).
 *
 * @param bindAddress the address the server binds to; 127.0.0.1 (this machine only) by default
 * @param port the port; {@value #ANY_PORT} picks a free one (logged and printed at start), {@value #OFF} serves nothing
 */
public record MetricsSettings(String bindAddress, int port) {

  /** {@value}: the endpoint is off (meters are still recorded, nothing serves them). */
  public static final int OFF = -1;
  /** {@value}: a free port, chosen when the endpoint starts. */
  public static final int ANY_PORT = 0;
  /** The default address: this machine only. */
  public static final String LOOPBACK = "127.0.0.1";

  public MetricsSettings {
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (port < OFF || port > 65_535) {
      throw new IllegalArgumentException("port must be -1 (off), 0 (any free port) or 1-65535, got " + port);
    }
  }

  /** A free port on 127.0.0.1. */
  public static MetricsSettings anyLoopbackPort() {
    return new MetricsSettings(LOOPBACK, ANY_PORT);
  }

  public boolean enabled() {
    return port != OFF;
  }
}
