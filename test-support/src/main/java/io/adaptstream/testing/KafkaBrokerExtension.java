package io.adaptstream.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests the JVM's one real broker: {@code @ExtendWith(KafkaBrokerExtension.class)} and
 * a {@link KafkaTestEnv} parameter in a test, lifecycle method or constructor.
 *
 * <p>The broker starts on first use and is closed when the whole test plan ends (it lives in the root
 * context's store), so every IT class of a module shares it.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    env(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaTestEnv.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return env(context);
  }

  static KafkaTestEnv env(ExtensionContext context) {
    return context.getRoot().getStore(NS).getOrComputeIfAbsent("env", k -> {
      try {
        return new KafkaTestEnv();
      } catch (Exception e) {
        throw new IllegalStateException("could not start the test broker: " + e, e);
      }
    }, KafkaTestEnv.class);
  }
}
