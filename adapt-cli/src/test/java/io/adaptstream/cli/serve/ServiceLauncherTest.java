package io.adaptstream.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.runtime.config.ServiceConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ServiceLauncherTest {

  private static final Map<String, String> REQUIRED = Map.of(
      "bootstrap.servers", "kafka:9092", "schema.registry.url", "http://schema-registry:8081");

  @Test
  void shouldKnowTheFourPipelineServices() {
    assertThat(ServiceLauncher.defaults().names()).containsExactly("ingest", "scoring", "selector", "trainer");
  }

  @Test
  void shouldAcceptCommonKeysPerServiceKeysAndKafkaClientOverrides() {
    ServiceLauncher launcher = ServiceLauncher.defaults();
    Map<String, String> ingest = new java.util.HashMap<>(REQUIRED);
    ingest.putAll(Map.of("blob.store", "/b", "ingest.inbox.dir", "/in", "kafka.linger.ms", "5", "run.id", "r2"));

    launcher.check("ingest", ingest);
    launcher.check("scoring", Map.of("bootstrap.servers", "k:1", "schema.registry.url", "u", "blob.store", "/b"));
  }

  @Test
  void shouldRefuseKeysOfAnotherServiceAndMissingRequiredKeys() {
    ServiceLauncher launcher = ServiceLauncher.defaults();
    Map<String, String> scoring = new java.util.HashMap<>(REQUIRED);
    scoring.put("blob.store", "/b");
    scoring.put("ingest.inbox.dir", "/in");

    assertThatThrownBy(() -> launcher.check("scoring", scoring))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown setting(s) [ingest.inbox.dir]");
    assertThatThrownBy(() -> launcher.check("selector", Map.of("schema.registry.url", "u")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("bootstrap.servers");
    assertThatThrownBy(() -> launcher.check("selector", Map.of("bootstrap.servers", "k", "schema.registry.url", "u",
        "data.partitions", "0"))).isInstanceOf(ConfigException.class).hasMessageContaining("data.partitions");
  }

  @Test
  void shouldReplaceAnEntryWithTheWiredService() throws Exception {
    RunnableService wired = new RunnableService() {
      @Override
      public void run() {}

      @Override
      public void close() {}
    };
    ServiceLauncher launcher = ServiceLauncher.defaults()
        .with(new ServiceSpec("trainer", "trains", ServiceConfig.common(), (settings, meters) -> wired));

    assertThat(launcher.create("trainer", REQUIRED)).isSameAs(wired);
    assertThat(launcher.names()).containsExactly("ingest", "scoring", "selector", "trainer");
  }

  @Test
  void shouldCheckEachServiceAgainstItsOwnConfigClass() {
    ServiceLauncher launcher = ServiceLauncher.defaults();

    assertThat(launcher.find("ingest").orElseThrow().definition().names()).contains("ingest.inbox.dir", "blob.store");
    assertThat(launcher.find("scoring").orElseThrow().definition().names())
        .contains("scoring.micro.batch", "scoring.deterministic", "blob.store");
    assertThat(launcher.find("selector").orElseThrow().definition().names())
        .contains("selector.policy", "selector.budget", "selector.http.port").doesNotContain("blob.store");
    assertThat(launcher.find("trainer").orElseThrow().definition().names())
        .contains("trainer.base", "trainer.epochs", "blob.store");
    assertThatThrownBy(() -> launcher.check("selector", Map.of("bootstrap.servers", "k", "schema.registry.url", "u",
        "selector.policy", "best")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("selector.policy");
    assertThatThrownBy(() -> launcher.create("trainer", REQUIRED))
        .isInstanceOf(ConfigException.class).hasMessageContaining("blob.store");
  }

  @Test
  void shouldNameTheKnownServicesForAnUnknownOne() {
    assertThatThrownBy(() -> ServiceLauncher.defaults().check("indexer", REQUIRED))
        .hasMessage("unknown service 'indexer'; known services: ingest, scoring, selector, trainer");
  }
}
