package io.adaptstream.selector.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.selector.SelectorConfig;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryServerTest {

  private static SelectorConfig config(Map<String, String> extra) {
    Map<String, String> m = new HashMap<>();
    m.put("bootstrap.servers", "localhost:9092");
    m.put("schema.registry.url", "http://localhost:8081");
    m.putAll(extra);
    return new SelectorConfig(m);
  }

  @Test
  void shouldListenOnLoopbackOnlyWhenStartedWithTheDefaultConfig() throws IOException {
    // given the selector's default settings
    SelectorConfig config = config(Map.of());

    // when the query server starts as the service starts it
    try (QueryServer server = QueryServer.start(config.httpHost(), config.httpPort())) {
      // then it is bound to 127.0.0.1 and advertises that address
      assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(server.hostPort()).isEqualTo("127.0.0.1:" + server.address().getPort());
    }
  }

  @Test
  void shouldListenWhereConfiguredWhenTheHostIsSetExplicitly() throws IOException {
    // given a deployment that opens the query server to other machines on purpose
    SelectorConfig config = config(Map.of(SelectorConfig.HTTP_HOST, "0.0.0.0"));

    // when it starts, then it is bound to every interface, as configured
    try (QueryServer server = QueryServer.start(config.httpHost(), config.httpPort())) {
      assertThat(server.address().getAddress().isAnyLocalAddress()).isTrue();
    }
  }
}
