package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.runtime.metrics.MetricsEndpoint;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code compose/} against the code, since no Docker engine runs it in the build: every pipeline
 * container runs {@code serve} of a known service with a config file whose keys that service defines.
 *
 * <p>The source of truth for a service's keys is its {@link ServiceLauncher} entry, the same one
 * {@code adapt serve} checks a config file against, so wiring a service's real config class into the launcher
 * makes this test check against it too.
 */
class ComposeFileTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ServiceLauncher SERVICES = ServiceLauncher.defaults();

  private static Path composeDir;
  private static JsonNode services;

  @BeforeAll
  static void readComposeFile() throws Exception {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("compose/docker-compose.yml"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("compose/docker-compose.yml above " + Path.of("").toAbsolutePath()).isNotNull();
    composeDir = dir.resolve("compose");
    services = YAML.readTree(composeDir.resolve("docker-compose.yml").toFile()).get("services");
  }

  private static List<String> pipelineContainers() {
    List<String> names = new ArrayList<>();
    services.fieldNames().forEachRemaining(n -> {
      if (services.get(n).has("command") && "serve".equals(services.get(n).get("command").get(0).asText())) {
        names.add(n);
      }
    });
    return names;
  }

  @Test
  void shouldRunEveryKnownServiceExactlyOnce() {
    List<String> served = pipelineContainers().stream()
        .map(n -> services.get(n).get("command").get(1).asText()).toList();

    assertThat(served).containsExactlyInAnyOrderElementsOf(SERVICES.names());
  }

  @Test
  void shouldGiveEveryServiceAnExistingConfigFileWithOnlyKeysItDefines() throws Exception {
    for (String container : pipelineContainers()) {
      JsonNode svc = services.get(container);
      List<String> command = new ArrayList<>();
      svc.get("command").forEach(c -> command.add(c.asText()));
      String name = command.get(1);

      assertThat(command).as(container).containsExactly("serve", name, "--config", "/etc/adapt/" + name + ".properties");
      assertThat(svc.get("volumes").toString()).as(container).contains("./config:/etc/adapt:ro");
      Path config = composeDir.resolve("config").resolve(name + ".properties");
      assertThat(config).as(container).isRegularFile();
      Map<String, String> settings = ServiceConfig.load(config);
      SERVICES.check(name, settings); // unknown keys, missing required keys, malformed values all throw
      assertThat(URI.create("tcp://" + settings.get(ServiceConfig.BOOTSTRAP_SERVERS)).getHost())
          .as(container + " bootstrap.servers names the kafka service").isIn(serviceNames());
      assertThat(URI.create(settings.get(ServiceConfig.SCHEMA_REGISTRY_URL)).getHost())
          .as(container + " schema.registry.url names the registry service").isIn(serviceNames());
    }
  }

  @Test
  void shouldStartServicesOnlyAfterHealthyBrokerAndRegistry() {
    assertThat(services.at("/kafka/image").asText()).isEqualTo("apache/kafka:4.1.2");
    assertThat(services.at("/schema-registry/image").asText()).isEqualTo("confluentinc/cp-schema-registry:7.9.0");
    assertThat(services.at("/kafka/healthcheck/test").isMissingNode()).isFalse();
    assertThat(services.at("/schema-registry/healthcheck/test").isMissingNode()).isFalse();
    for (String container : pipelineContainers()) {
      JsonNode svc = services.get(container);
      assertThat(svc.at("/build/dockerfile").asText()).as(container).isEqualTo("compose/Dockerfile");
      assertThat(svc.at("/depends_on/kafka/condition").asText()).as(container).isEqualTo("service_healthy");
      assertThat(svc.at("/depends_on/schema-registry/condition").asText()).as(container).isEqualTo("service_healthy");
      assertThat(svc.get("volumes").toString()).as(container).contains("blobs:/var/lib/adapt/blobs");
    }
  }

  @Test
  void shouldBuildTheImageFromThePackagedCommandLine() throws Exception {
    String dockerfile = Files.readString(composeDir.resolve("Dockerfile"));

    assertThat(dockerfile).contains("FROM eclipse-temurin:17-jre", "COPY adapt-cli/target/adapt-cli.jar",
        "COPY adapt-cli/target/lib/", AdaptCli.class.getName());
  }

  private static List<String> serviceNames() {
    List<String> names = new ArrayList<>();
    services.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void shouldScrapeEveryServicesMetricsEndpointWithPrometheus() throws Exception {
    // given the prometheus container and the scrape config it mounts
    JsonNode prometheus = services.get("prometheus");
    assertThat(prometheus).as("a prometheus service").isNotNull();
    assertThat(prometheus.at("/image").asText()).startsWith("prom/prometheus:");
    assertThat(prometheus.get("volumes").toString()).contains("./prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    JsonNode scrape = YAML.readTree(composeDir.resolve("prometheus.yml").toFile());
    List<String> targets = new ArrayList<>();
    scrape.get("scrape_configs").forEach(job -> {
      assertThat(job.path("metrics_path").asText("/metrics")).isEqualTo(MetricsEndpoint.PATH);
      job.get("static_configs").forEach(sc -> sc.get("targets").forEach(t -> targets.add(t.asText())));
    });

    // then each pipeline container serves its metrics on every interface of the container, at a fixed port that
    // prometheus scrapes by the container's name
    List<String> expected = new ArrayList<>();
    for (String container : pipelineContainers()) {
      String name = services.get(container).get("command").get(1).asText();
      Map<String, String> settings = ServiceConfig.load(composeDir.resolve("config").resolve(name + ".properties"));
      ServiceConfig checked = SERVICES.checked(name, settings);
      assertThat(checked.metrics().bindAddress()).as(container).isEqualTo("0.0.0.0");
      assertThat(checked.metrics().port()).as(container).isPositive();
      expected.add(container + ":" + checked.metrics().port());
    }
    assertThat(targets).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void shouldPublishEveryPortOnTheHostsLoopbackOnly() {
    // given every port a container publishes to the host
    List<String> published = new ArrayList<>();
    services.fields().forEachRemaining(e -> e.getValue().path("ports").forEach(p -> published.add(p.asText())));

    // then each is bound to 127.0.0.1 (Docker binds every interface when the mapping names no address)
    assertThat(published).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("127.0.0.1:"));
  }
}
