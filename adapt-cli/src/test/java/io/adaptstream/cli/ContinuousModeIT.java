package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.cli.local.LocalLayout;
import io.adaptstream.cli.local.LocalProcesses;
import io.adaptstream.cli.local.LocalState;
import io.adaptstream.cli.run.demo.DemoData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous mode: {@code adapt local up} runs the four services of run 'default', so publishing releases from
 * another terminal is all it takes for steps to happen; {@code adapt status} shows them; {@code adapt local down}
 * stops everything.
 */
class ContinuousModeIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldRunAStepForEveryPublishedReleaseShowItInStatusAndStopEverythingOnDown(@TempDir Path tmp)
      throws Exception {
    // given local mode with its services, in the background
    Path dir = tmp.resolve("adapt");
    LocalLayout layout = LocalLayout.of(dir);
    List<String> up = new ArrayList<>(List.of("local", "up", "--detach", "--data-dir", dir.toString()));
    up.addAll(List.of(TinyRun.setOptions()));
    CliProcess.Result started = CliProcess.runWithHeap(tmp, Duration.ofMinutes(3), "768m", up.toArray(String[]::new));
    assertThat(started.exitCode()).as(started.output()).isZero();
    LocalState state = LocalState.read(layout).orElseThrow();
    assertThat(state.selectorUrl()).isPresent();
    assertThat(state.metricsUrl()).isPresent();
    assertThat(started.output()).contains("metrics", state.metricsUrl().get());
    assertThat(state.dashboardUrl()).isPresent();
    assertThat(started.output()).contains("dashboard        " + state.dashboardUrl().get());

    try {
      // when a pretraining release and a task release are published, as from another terminal
      DemoData data = TinyRun.data(tmp.resolve("data"), 1, 40, 6);
      for (DemoData.Release r : data.releases()) {
        List<String> publish = new ArrayList<>(List.of("publish", "--release", r.name(), r.file().toString(),
            "--images", r.imageRoot().toString(), "--data-dir", dir.toString(), "--json"));
        if (r.role() == io.adaptstream.avro.ReleaseRole.PRETRAIN) {
          publish.add("--pretrain");
        }
        CliRun p = CliRun.of(publish.toArray(String[]::new));
        assertThat(p.exitCode()).as(p.err()).isZero();
      }

      // then step 1 runs on its own, and status shows its clusters, model v1 and its evaluation
      JsonNode[] status = new JsonNode[1];
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        CliRun s = CliRun.of("status", "--data-dir", dir.toString(), "--json");
        status[0] = JSON.readTree(s.out());
        return s.exitCode() == 0 && status[0].path("evaluation").path("version").asInt(-1) == 1;
      });
      assertThat(status[0].get("step").get("step").asInt()).isEqualTo(1);
      assertThat(status[0].get("step").get("phase").asText()).isEqualTo("done");
      assertThat(status[0].get("clusters")).isNotEmpty();
      assertThat(status[0].get("clusters").get(0).get("scorer").asText()).isNotBlank();
      assertThat(status[0].get("model").get("version").asInt()).isEqualTo(1);
      assertThat(status[0].get("evaluation").get("accuracy").size()).isPositive();
      // and local mode's dashboard shows the same step, following the selector local mode started
      URI page = URI.create(state.dashboardUrl().get()).resolve("/api/state");
      JsonNode[] shown = new JsonNode[1];
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        shown[0] = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(page).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        return shown[0].path("steps").path(0).path("stage").asText().equals("evaluated");
      });
      assertThat(shown[0].get("selectorUrl").asText()).isEqualTo(state.selectorUrl().get());
      assertThat(shown[0].get("steps").get(0).get("selected").asLong())
          .isEqualTo(status[0].get("step").get("selected").asLong());
      assertThat(shown[0].get("steps").get(0).get("avgAccuracy").asDouble())
          .isEqualTo(status[0].get("evaluation").get("avgAccuracy").asDouble());
      CliRun text = CliRun.of("status", "--data-dir", dir.toString());
      assertThat(text.out()).contains("run default", "step             1 (r1-llava-mix): done", "clusters",
          "evaluation       v1: average");

      // and the one /metrics endpoint of local mode shows the step: samples scored, the selection, model v1,
      // phase times, group lag and the Kafka clients' and Streams' own metrics
      HttpResponse<String> scrape = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(state.metricsUrl().get())).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain; version=0.0.4");
      String metrics = scrape.body();
      assertThat(sum(metrics, "adapt_scoring_samples_total{", "outcome=\"scored\"")).isPositive();
      assertThat(sum(metrics, "adapt_selector_selected_total{", "service=\"selector\"")).isPositive();
      assertThat(sum(metrics, "adapt_trainer_model_version{", "service=\"trainer\"")).isEqualTo(1.0);
      assertThat(sum(metrics, "adapt_step_phase_seconds_count{", "phase=\"training\"")).isPositive();
      assertThat(metrics).contains("adapt_consumer_group_lag_records{", "kafka_consumer_", "kafka_producer_",
          "kafka_stream_", "jvm_memory_used_bytes");
    } finally {
      // when it is brought down
      CliRun down = CliRun.of("local", "down", "--data-dir", dir.toString());
      assertThat(down.exitCode()).as(down.err()).isZero();
    }

    // then nothing is left running
    assertThat(LocalProcesses.alive(state.ownerPid())).isEmpty();
    assertThat(LocalProcesses.alive(state.brokerPid())).isEmpty();
    assertThat(LocalProcesses.brokersOf(layout)).isEmpty();
    assertThat(layout.state()).doesNotExist();
  }

  /** The sum of the samples of a metric (lines starting with {@code prefix} that contain {@code label}). */
  private static double sum(String scrape, String prefix, String label) {
    return scrape.lines().filter(l -> l.startsWith(prefix) && l.contains(label))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
