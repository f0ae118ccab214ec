package io.adaptstream.cli.serve;

import java.util.Map;

/** Builds a service from its settings (keys as in its properties file), already checked against its definition. */
@FunctionalInterface
public interface ServiceFactory {

  RunnableService create(Map<String, String> config) throws Exception;
}
