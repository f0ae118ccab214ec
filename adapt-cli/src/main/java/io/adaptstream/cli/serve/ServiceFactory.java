package io.adaptstream.cli.serve;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/**
 * Builds a service from its settings (keys as in its properties file), already checked against its definition,
 * recording its meters into {@code registry}: the registry of its own {@code /metrics} endpoint
 * ({@code adapt serve}), or the one local mode shares between its services.
 */
@FunctionalInterface
public interface ServiceFactory {

  RunnableService create(Map<String, String> config, MeterRegistry registry) throws Exception;
}
