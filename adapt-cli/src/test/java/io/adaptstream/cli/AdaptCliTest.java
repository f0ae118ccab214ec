package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.cli.serve.RunnableService;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.cli.serve.ServiceSpec;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.runtime.metrics.ServiceMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdaptCliTest {

  @TempDir
  Path tmp;

  @Test
  void shouldListEveryCommandWithOneLineDescriptionInHelp() {
    CliRun run = CliRun.of("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: adapt")
        .containsPattern("(?m)^  local\\s+\\S.*$")
        .containsPattern("(?m)^  publish\\s+\\S.*$")
        .containsPattern("(?m)^  serve\\s+\\S.*$")
        .containsPattern("(?m)^  demo\\s+\\S.*$")
        .containsPattern("(?m)^  status\\s+\\S.*$")
        .containsPattern("(?m)^  replay\\s+\\S.*$");
  }

  @Test
  void shouldDocumentTheDemoReplayAndStatusOptions() {
    assertThat(CliRun.of("demo", "--help").out()).contains("--method=POLICY", "default: adapt", "--quick",
        "--seed=N", "--out=DIR", "--fast", "--set=KEY=VALUE").doesNotContain("--max-samples");
    assertThat(CliRun.of("replay", "--help").out()).contains("--run=RUN_ID", "--method=POLICY", "--out=DIR",
        "--runs-dir=RUNS", "default: runs");
    assertThat(CliRun.of("status", "--help").out()).contains("--json", "--data-dir=DIR", "--bootstrap-servers",
        "--schema-registry-url", "--selector-url=URL", "--run-id=RUN");
    assertThat(CliRun.of("local", "up", "--help").out()).contains("--no-services", "--method=POLICY", "--fast",
        "--set=KEY=VALUE");
  }

  @Test
  void shouldDocumentTheDashboardAndItsOptionsWhenHelpIsAsked() {
    // when the help of the dashboard command and of the commands that serve it is asked for
    String dashboard = CliRun.of("dashboard", "--help").out();
    String demo = CliRun.of("demo", "--help").out();
    String up = CliRun.of("local", "up", "--help").out();

    // then each names its options with their defaults: a free port on 127.0.0.1
    assertThat(CliRun.of("--help").out()).containsPattern("(?m)^  dashboard\\s+\\S.*$");
    assertThat(dashboard).contains("--port=PORT", "--host=HOST", "default: 127.0.0.1", "--selector-url=URL",
        "--blob-store=DIR", "--bootstrap-servers", "--run-id=RUN");
    for (String help : List.of(demo, up)) {
      assertThat(help).contains("--dashboard-port=PORT", "--dashboard-host=HOST", "--no-dashboard", "a free port");
    }
  }

  @Test
  void shouldRefuseAnUnknownMethodOrSettingBeforeStartingAnything() {
    CliRun method = CliRun.of("demo", "--method", "best", "--out", tmp.resolve("run").toString());
    CliRun setting = CliRun.of("demo", "--set", "budget=10", "--out", tmp.resolve("run").toString());
    CliRun local = CliRun.of("local", "up", "--data-dir", tmp.toString(), "--set", "selector.budget=many");

    assertThat(method.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(method.err()).contains("unknown method 'best'; valid: adapt, ");
    assertThat(setting.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(setting.err()).contains("budget", "not a pipeline service key");
    assertThat(local.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(local.err()).contains("selector.budget");
    assertThat(tmp.resolve("run")).doesNotExist();
    assertThat(tmp.resolve("local.properties")).doesNotExist();
  }

  @Test
  void shouldSayWhichRunIsMissingForAReplay() {
    CliRun run = CliRun.of("replay", "--run", "adapt-20260101-000000", "--runs-dir", tmp.toString());

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(run.err()).contains("no recorded run adapt-20260101-000000",
        tmp.resolve("adapt-20260101-000000").resolve("run.json").toString());
  }

  @Test
  void shouldSayWhereToFindTheSystemWhenStatusFindsNothing() {
    CliRun run = CliRun.of("status", "--data-dir", tmp.toString());

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_FAILURE);
    assertThat(run.err()).contains("local mode is not running in " + tmp);
  }

  @Test
  void shouldExplainEachCommandsOptionsWithDefaults() {
    assertThat(CliRun.of("local", "up", "--help").out())
        .contains("--data-dir=DIR", "default: ./.adapt", "--detach", "--broker-heap=SIZE", "default: 512m")
        .doesNotContain("--detached-child");
    assertThat(CliRun.of("local", "status", "--help").out()).contains("--json", "Exit status 0 when it runs");
    assertThat(CliRun.of("local", "down", "--help").out()).contains("--data-dir=DIR");
    assertThat(CliRun.of("serve", "--help").out()).contains("--config=FILE", "ingest, scoring, selector, trainer");
  }

  @Test
  void shouldExitWithUsageErrorForUnknownCommand() {
    CliRun run = CliRun.of("lokal");

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(run.err()).contains("adapt: Unmatched argument", "local", "Run 'adapt --help' for usage.");
  }

  @Test
  void shouldExitWithUsageErrorWhenNoCommandIsGiven() {
    assertThat(CliRun.of().exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(CliRun.of("local").exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
  }

  @Test
  void shouldRejectMalformedBrokerHeapAsUsageError() {
    CliRun run = CliRun.of("local", "up", "--data-dir", tmp.toString(), "--broker-heap", "-XX:evil");

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(run.err()).contains("--broker-heap must look like 512m");
    assertThat(tmp.resolve("local.properties")).doesNotExist();
  }

  @Test
  void shouldReportNotRunningWithExitCode3WhenNothingRunsInDataDir() {
    CliRun text = CliRun.of("local", "status", "--data-dir", tmp.toString());
    CliRun json = CliRun.of("local", "status", "--data-dir", tmp.toString(), "--json");

    assertThat(text.exitCode()).isEqualTo(AdaptCli.EXIT_NOT_RUNNING);
    assertThat(text.out()).contains(tmp + ": not running");
    assertThat(json.exitCode()).isEqualTo(AdaptCli.EXIT_NOT_RUNNING);
    assertThat(json.out()).contains("\"running\" : false");
  }

  @Test
  void shouldSayNotRunningAndSucceedOnDownWhenNothingRuns() {
    CliRun run = CliRun.of("local", "down", "--data-dir", tmp.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("local mode is not running in " + tmp);
  }

  @Test
  void shouldRejectUnknownServiceAsUsageErrorListingTheKnownOnes() throws Exception {
    Path config = Files.writeString(tmp.resolve("x.properties"), "bootstrap.servers=k:9092\n");

    CliRun run = CliRun.of("serve", "indexer", "--config", config.toString());

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(run.err()).contains("unknown service 'indexer'; known services: ingest, scoring, selector, trainer");
  }

  @Test
  void shouldFailWithOneLineAndNoStackTraceForUnknownConfigKey() throws Exception {
    Path config = Files.writeString(tmp.resolve("ingest.properties"),
        "bootstrap.servers=k:9092\nschema.registry.url=http://r:8081\nblob.store=/tmp/b\nbootstrap.server=typo\n");

    CliRun run = CliRun.of("serve", "ingest", "--config", config.toString());

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_FAILURE);
    assertThat(run.err().lines()).singleElement().asString()
        .startsWith("adapt: unknown setting(s) [bootstrap.server] for service 'ingest'; known: [");
  }

  @Test
  void shouldPrintStackTraceOfAFailureWithVerbose() throws Exception {
    Path config = Files.writeString(tmp.resolve("ingest.properties"),
        "bootstrap.servers=k:9092\nschema.registry.url=http://r:8081\nblob.store=/tmp/b\nnonsense=1\n");

    CliRun run = CliRun.of("serve", "ingest", "--config", config.toString(), "--verbose");

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_FAILURE);
    assertThat(run.err()).contains("adapt: unknown setting(s) [nonsense]", "\tat io.adaptstream.cli.serve.ServiceLauncher.check");
  }

  @Test
  void shouldNameTheMissingRequiredKeyOfARealService() throws Exception {
    Path config = Files.writeString(tmp.resolve("trainer.properties"),
        "bootstrap.servers=k:9092\nschema.registry.url=http://r:8081\n");

    CliRun run = CliRun.of("serve", "trainer", "--config", config.toString());

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_FAILURE);
    assertThat(run.err()).startsWith("adapt: Missing required configuration \"blob.store\"");
  }

  @Test
  void shouldRunTheNamedServiceWithTheSettingsOfItsConfigFile() throws Exception {
    Path config = Files.writeString(tmp.resolve("echo.properties"),
        "bootstrap.servers=k:9092\nschema.registry.url=http://r:8081\nrun.id=r7\n");
    AtomicReference<Map<String, String>> seen = new AtomicReference<>();
    AtomicReference<Boolean> closed = new AtomicReference<>(false);
    ServiceLauncher launcher = ServiceLauncher.empty().with(new ServiceSpec("echo", "test service",
        ServiceConfig.common(), (settings, meters) -> {
          seen.set(settings);
          return new RunnableService() {
            @Override
            public void run() {
              // finishes at once, as a service whose work is done
            }

            @Override
            public void close() {
              closed.set(true);
            }
          };
        }));

    CliRun run = CliRun.with(launcher, "serve", "echo", "--config", config.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(seen.get()).containsEntry("run.id", "r7").containsEntry("bootstrap.servers", "k:9092");
    assertThat(closed.get()).isTrue();
  }

  @Test
  void shouldServeTheServicesMetersAtItsMetricsEndpointWhileItRuns() throws Exception {
    // given a service that, while it runs, counts an event and scrapes its own endpoint
    Path config = Files.writeString(tmp.resolve("echo.properties"),
        "bootstrap.servers=k:9092\nschema.registry.url=http://r:8081\nmetrics.port=0\n");
    AtomicReference<String> scraped = new AtomicReference<>();
    AtomicReference<MeterRegistry> given = new AtomicReference<>();
    ServiceLauncher launcher = ServiceLauncher.empty().with(new ServiceSpec("echo", "test service",
        ServiceConfig.common(), (settings, meters) -> {
          given.set(meters);
          return new RunnableService() {
            @Override
            public void run() throws Exception {
              new ServiceMeters(meters, "echo").deadLetter("undeserialisable");
              scraped.set(((PrometheusMeterRegistry) meters).scrape());
            }

            @Override
            public void close() {}
          };
        }));

    // when
    CliRun run = CliRun.with(launcher, "serve", "echo", "--config", config.toString());

    // then the endpoint's address is printed, and the service's meters are the endpoint's
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).containsPattern("adapt serve echo: metrics at http://127\\.0\\.0\\.1:\\d+/metrics");
    assertThat(given.get()).isInstanceOf(PrometheusMeterRegistry.class);
    assertThat(scraped.get()).contains("adapt_dead_letters_total{reason=\"undeserialisable\",service=\"echo\"} 1.0");
  }

  @Test
  void shouldRefuseAMetricsPortOutOfRangeBeforeTheServiceStarts() throws Exception {
    // given
    Path config = Files.writeString(tmp.resolve("scoring.properties"),
        "bootstrap.servers=k:9092\nschema.registry.url=http://r:8081\nblob.store=" + tmp + "\nmetrics.port=70000\n");

    // when
    CliRun run = CliRun.of("serve", "scoring", "--config", config.toString());

    // then
    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_FAILURE);
    assertThat(run.err()).contains("metrics.port");
  }

  @Test
  void shouldNameTheMissingConfigFileAsUsageError() {
    CliRun run = CliRun.of("serve", "ingest", "--config", tmp.resolve("absent.properties").toString());

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(run.err()).contains("config file " + tmp.resolve("absent.properties") + " does not exist");
  }
}
