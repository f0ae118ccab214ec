package io.adaptstream.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.runtime.metrics.MetricsSettings;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ServiceConfigMetricsTest {

  /** The common keys alone, as a service without keys of its own would have them. */
  private static final class CommonOnly extends ServiceConfig {
    CommonOnly(Map<String, String> settings) {
      super(ServiceConfig.common(), settings);
    }
  }

  private static Map<String, String> required(String... keyValues) {
    Map<String, String> m = new HashMap<>(Map.of(ServiceConfig.BOOTSTRAP_SERVERS, "localhost:9092",
        ServiceConfig.SCHEMA_REGISTRY_URL, "http://localhost:8081"));
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  @Test
  void shouldServeOnAFreeLoopbackPortWhenNothingIsSet() {
    // when nothing about metrics is set
    MetricsSettings metrics = new CommonOnly(required()).metrics();

    // then the endpoint runs on 127.0.0.1, on a free port
    assertThat(metrics).isEqualTo(new MetricsSettings("127.0.0.1", 0));
    assertThat(metrics.enabled()).isTrue();
  }

  @Test
  void shouldTakeThePortAndAddressWhenBothAreSet() {
    // when a container sets both
    MetricsSettings metrics = new CommonOnly(required(ServiceConfig.METRICS_PORT, "9404",
        ServiceConfig.METRICS_BIND_ADDRESS, "0.0.0.0")).metrics();

    // then they are used as given
    assertThat(metrics).isEqualTo(new MetricsSettings("0.0.0.0", 9404));
  }

  @Test
  void shouldTurnTheEndpointOffWhenThePortIsMinusOne() {
    assertThat(new CommonOnly(required(ServiceConfig.METRICS_PORT, "-1")).metrics().enabled()).isFalse();
  }

  @Test
  void shouldRefuseAPortOutOfRangeWhenTheConfigIsBuilt() {
    assertThatThrownBy(() -> new CommonOnly(required(ServiceConfig.METRICS_PORT, "-2")))
        .isInstanceOf(ConfigException.class).hasMessageContaining(ServiceConfig.METRICS_PORT);
    assertThatThrownBy(() -> new CommonOnly(required(ServiceConfig.METRICS_PORT, "65536")))
        .isInstanceOf(ConfigException.class).hasMessageContaining(ServiceConfig.METRICS_PORT);
    assertThatThrownBy(() -> new CommonOnly(required(ServiceConfig.METRICS_PORT, "http")))
        .isInstanceOf(ConfigException.class).hasMessageContaining(ServiceConfig.METRICS_PORT);
  }

  @Test
  void shouldRefuseAnEmptyBindAddressWhenTheConfigIsBuilt() {
    assertThatThrownBy(() -> new CommonOnly(required(ServiceConfig.METRICS_BIND_ADDRESS, "")))
        .isInstanceOf(ConfigException.class).hasMessageContaining(ServiceConfig.METRICS_BIND_ADDRESS);
  }
}
