package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class EngineConfigTest {

  @Test
  void shouldDefaultToTheEnginesOwnThreadsWhenThePropertyIsAbsent() {
    // given no property, when read, then the multi-threaded default
    assertThat(EngineConfig.from(new Properties())).isEqualTo(EngineConfig.DEFAULT);
    assertThat(EngineConfig.DEFAULT.deterministic()).isFalse();
  }

  @Test
  void shouldReadTrueAndFalseInAnyCaseWhenSet() {
    assertThat(EngineConfig.from(properties(" TRUE ")).deterministic()).isTrue();
    assertThat(EngineConfig.from(properties("false")).deterministic()).isFalse();
  }

  @Test
  void shouldRefuseNamingTheKeyWhenTheValueIsNotABoolean() {
    // given a typo, when read, then a clear error instead of a silent false (what Boolean.getBoolean would give)
    assertThatThrownBy(() -> EngineConfig.from(properties("yes")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(EngineConfig.DETERMINISTIC)
        .hasMessageContaining("'yes'");
  }

  @Test
  void shouldBeDeterministicInThisModulesTestsWhenTheTestRunnerSetsTheProperty() {
    // given model's surefire configuration, when the JVM's properties are read, then deterministic
    assertThat(EngineConfig.fromSystemProperties().deterministic()).isTrue();
  }

  private static Properties properties(String value) {
    Properties p = new Properties();
    p.setProperty(EngineConfig.DETERMINISTIC, value);
    return p;
  }
}
