package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.adaptstream.avro.EvalResult;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.cli.dashboard.Dashboard;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.Pipeline;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.run.RunTopics;
import io.adaptstream.cli.run.demo.DemoData;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.ingest.IngestJob;
import io.adaptstream.ingest.IngestListener;
import io.adaptstream.ingest.PublishRequest;
import io.adaptstream.selector.query.ClusterView;
import io.adaptstream.selector.query.ProvenanceView;
import io.adaptstream.selector.query.SelectorClient;
import io.adaptstream.selector.query.StepView;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import io.adaptstream.trainer.TrainerConfig;
import io.adaptstream.trainer.TrainerListener;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The live dashboard in a real browser (headless Chromium through Selenium): a two-step run goes through the
 * services on the test broker while the page is open, and the page shows, as the run happens, the steps with the
 * selector's numbers, the accuracy of every version as the trainer evaluated it, the clusters with their scorers,
 * the dead letters by reason, and a selected sample's story with its image. Skipped where no Chromium and chromedriver are installed.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DashboardIT {

  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(8);
  private static final int STEPS = 2;

  @Test
  void shouldShowTheRunsStepsAccuracyAndASamplesStoryLiveWhenARunGoesThroughThePipeline(KafkaTestEnv kafka,
      @TempDir Path tmp) throws Exception {
    Optional<Path> chromium = onPath("chromium", "chromium-browser", "google-chrome");
    Optional<Path> driver = onPath("chromedriver").or(() -> existing(Path.of("/usr/lib/chromium/chromedriver")));
    assumeThat(chromium.isPresent() && driver.isPresent()).as("Chromium and chromedriver are installed").isTrue();

    // given a run's services on the test broker and the dashboard of that run, open in a browser before anything
    // is published
    Deployment deployment = new Deployment(kafka.bootstrapServers(), kafka.schemaRegistryUrl(),
        kafka.newCatalogue().prefix(), 3, (short) 1, tmp.resolve("blobs"));
    DemoData data = TinyRun.data(tmp.resolve("data"), STEPS, 40, 6);
    PipelineSettings settings = new PipelineSettings("dash", "adapt", 5, true, TinyRun.overrides());
    String model = settings.value(TrainerConfig.MODEL_NAME);
    try (Pipeline pipeline = Pipeline.start(ServiceLauncher.defaults(), deployment, settings, tmp.resolve("work"),
            Pipeline.STEP_SERVICES, TrainerListener.NONE);
        Dashboard dashboard = Dashboard.start(deployment, settings.runId(), model, pipeline::selectorUrl,
            Dashboard.Settings.defaults())) {
      WebDriver browser = chrome(chromium.get(), driver.get());
      try {
        browser.get(dashboard.uri().toString());
        Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> text(browser, "#connection").startsWith("live"));

        // when the releases are published and the run goes through its steps
        try (IngestJob ingest = new IngestJob(deployment.ingestConfig(),
            BlobStore.at(deployment.requireBlobStore().toString()))) {
          for (DemoData.Release r : data.releases()) {
            ingest.publish(new PublishRequest(r.name(), r.file(), null, r.imageRoot(), r.role()), IngestListener.NONE);
          }
        }

        // and two records of the deployment go to the dead-letter topic
        for (String key : List.of("dashboard-it/1", "dashboard-it/2")) {
          RoundTrip.produceAndReadBack(kafka.bootstrapServers(), kafka.schemaRegistryUrl(),
              deployment.catalogue(settings.runId()).dlq, key, RoundTrip.deadLetter("dashboard_check"));
        }

        // then the open page follows it (server-sent events, no reload) until every step is evaluated
        Awaitility.await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
          pipeline.checkRunning();
          return browser.findElements(By.cssSelector("#steps tbody tr")).size() == STEPS + 1
              && browser.findElements(By.cssSelector("#steps tbody .phase.evaluated")).size() == STEPS + 1;
        });
        SelectorClient selector = new SelectorClient(pipeline.selectorUrl().orElseThrow(), Duration.ofSeconds(30));
        SortedMap<Integer, EvalResult> evals;
        try (RunTopics topics = new RunTopics(deployment, settings.runId(), model)) {
          topics.catchUp(Duration.ofSeconds(30));
          evals = topics.evals();
        }
        assertThat(evals).containsOnlyKeys(0, 1, 2);

        // the step table holds the selector's numbers and the evaluations' averages
        List<StepView> steps = selector.steps();
        assertThat(steps).hasSize(STEPS);
        for (StepView v : steps) {
          String row = "#steps tbody tr[data-step='" + v.step() + "'] ";
          assertThat(text(browser, row + ".release")).isEqualTo(data.taskReleases().get(v.step() - 1));
          assertThat(text(browser, row + ".poolSize")).isEqualTo(Long.toString(v.poolSize()));
          assertThat(text(browser, row + ".selected")).isEqualTo(Long.toString(v.selected())).isNotEqualTo("0");
          assertThat(text(browser, row + ".pruned")).isEqualTo(Long.toString(v.pruned()));
          assertThat(text(browser, row + ".avg")).isEqualTo(three(evals.get(v.step()).getAvgAccuracy()));
        }
        assertThat(text(browser, "#steps tbody tr[data-step='0'] .avg")).isEqualTo(three(evals.get(0).getAvgAccuracy()));

        // the accuracy table (the matrix's stand-in until one is served) has every version's numbers
        for (Map.Entry<Integer, EvalResult> e : evals.entrySet()) {
          String row = "#accuracy tbody tr[data-version='" + e.getKey() + "'] ";
          assertThat(text(browser, row + ".avg")).isEqualTo(three(e.getValue().getAvgAccuracy()));
          String group = e.getValue().getAccuracy().keySet().stream().sorted().findFirst().orElseThrow()
              .toString().split("\\.")[0];
          OptionalDouble mean = e.getValue().getAccuracy().entrySet().stream()
              .filter(a -> a.getKey().toString().split("\\.")[0].equals(group)).mapToDouble(Map.Entry::getValue)
              .average();
          assertThat(text(browser, row + "td[data-group='" + group + "']")).isEqualTo(three(mean.orElseThrow()));
        }
        // the accuracy matrix as a heatmap: a row per version, and the newest version's cells are its accuracies
        Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> !browser.findElements(By.id("matrix-table")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#matrix-table tbody tr"))).hasSize(evals.size());
        List<String> columns = browser.findElements(By.cssSelector("#matrix-table thead th")).stream()
            .skip(1).map(WebElement::getText).toList();
        List<String> last = browser.findElements(By.cssSelector("#matrix-table tbody tr[data-version='" + STEPS
            + "'] td")).stream().map(WebElement::getText).toList();
        assertThat(last).hasSameSizeAs(columns);
        int compared = 0;
        for (int j = 0; j < columns.size(); j++) {
          Double accuracy = evals.get(STEPS).getAccuracy().get(columns.get(j));
          if (accuracy != null) {
            assertThat(Double.parseDouble(last.get(j))).as(columns.get(j)).isCloseTo(accuracy,
                org.assertj.core.data.Offset.offset(0.0051));
            compared++;
          }
        }
        assertThat(compared).isEqualTo(evals.get(STEPS).getAccuracy().size());

        // the dead letters by reason, the step table's per step as the selector counted them
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !browser.findElements(
            By.cssSelector("#dead-letters tr[data-reason='dashboard_check']")).isEmpty());
        assertThat(text(browser, "#dead-letters tr[data-reason='dashboard_check'] td:nth-child(2)")).isEqualTo("2");
        for (StepView v : steps) {
          assertThat(text(browser, "#steps tbody tr[data-step='" + v.step() + "'] .deadLetters"))
              .isEqualTo(Long.toString(v.deadLetters()));
        }

        // the clusters of the last step, with their chosen scorers
        List<ClusterView> clusters = selector.clusters(STEPS);
        List<WebElement> rows = browser.findElements(By.cssSelector("#clusters tbody tr"));
        assertThat(rows).hasSize(clusters.size());
        for (ClusterView c : clusters) {
          String row = "#clusters tbody tr[data-cluster='" + c.cluster() + "'] ";
          assertThat(text(browser, row + ".scorer")).isEqualTo(c.scorer());
          assertThat(text(browser, row + ".size")).isEqualTo(Long.toString(c.size()));
        }

        // when a sample selected at step 1 is explained
        String sampleId = selector.selections(1).get(0).sampleId();
        browser.findElement(By.id("explain-step")).clear();
        browser.findElement(By.id("explain-step")).sendKeys("1");
        browser.findElement(By.id("explain-id")).sendKeys(sampleId);
        browser.findElement(By.id("explain-button")).click();

        // then the page shows the sample (its release, its conversation, its image from the blob store) and the
        // selector's record of it, or says it has none
        Awaitility.await().atMost(Duration.ofSeconds(60))
            .until(() -> !browser.findElements(By.id("explain-status")).isEmpty());
        assertThat(text(browser, "#explain-sample")).contains("release " + data.taskReleases().get(0));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) ((JavascriptExecutor) browser)
            .executeScript("const i = document.querySelector('#explain img'); return i ? i.naturalWidth : 0;"))
            .intValue() > 0);
        // and the selector's provenance record of it: selected at step 1, scored by version 0
        Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> !browser.findElements(By.id("explain-record")).isEmpty());
        String record = text(browser, "#explain-record");
        assertThat(record).contains(sampleId);
        ProvenanceView story = selector.sample(1, sampleId).orElseThrow();
        assertThat(story.selected()).isTrue();
        assertThat(record).contains(story.selection());

        Path shot = Path.of("target", "dashboard.png");
        Files.createDirectories(shot.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), shot,
            StandardCopyOption.REPLACE_EXISTING);
        assertThat(shot).isNotEmptyFile();
      } finally {
        browser.quit();
      }
    }
  }

  private static String three(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String text(WebDriver browser, String css) {
    return browser.findElement(By.cssSelector(css)).getText().trim();
  }

  private static WebDriver chrome(Path chromium, Path driver) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1400,1560", "--lang=en-US");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
        .usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  private static Optional<Path> onPath(String... names) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(names).flatMap(n -> Stream.of(path.split(File.pathSeparator)).map(d -> Path.of(d, n)))
        .filter(Files::isExecutable).findFirst();
  }

  private static Optional<Path> existing(Path p) {
    return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
  }
}
