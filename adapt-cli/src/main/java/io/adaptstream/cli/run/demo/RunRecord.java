package io.adaptstream.cli.run.demo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.Pipeline;
import io.adaptstream.cli.run.PipelineSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code run.json}: everything needed to replay a run. The ingest log in {@code localDir} holds its data; the run
 * id, method, seed, mode and overrides rebuild its settings; the releases say which steps to wait for.
 *
 * @param size the benchmark size ({@code QUICK}, {@code FULL}, or {@code custom})
 * @param dataDir where the benchmark files were generated
 * @param localDir the local-mode data directory whose ingest log holds the releases
 * @param pretrainRelease the pretraining release (sequence 0)
 * @param taskReleases the task releases, step 1 first
 * @param overrides the service keys the run set (budget, pool cap, epochs...)
 * @param services each service's effective settings, for reference
 * @param replayOf the run this one replays, or null
 * @param compute the {@link Protocol.Compute} mode whose settings the overrides start from ({@code equal},
 *     {@code as-defined}); null in a {@code run.json} written before the protocol, or for a joint fit's record
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"runId", "method", "seed", "size", "deterministic", "dataDir", "localDir", "pretrainRelease",
    "taskReleases", "compute", "overrides", "replayOf", "createdAt", "services"})
public record RunRecord(String runId, String method, long seed, String size, boolean deterministic, String dataDir,
    String localDir, String pretrainRelease, List<String> taskReleases, Map<String, String> overrides,
    String replayOf, String createdAt, Map<String, Map<String, String>> services,
    @JsonInclude(JsonInclude.Include.NON_NULL) String compute) {

  public static final String FILE_NAME = "run.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The run's settings as they were. */
  public PipelineSettings settings() {
    return new PipelineSettings(runId, method, seed, deterministic, overrides);
  }

  /** The releases as already published, for a replay. */
  public DemoData publishedData() {
    return DemoData.published(pretrainRelease, taskReleases);
  }

  /** The effective settings of the run's step services on {@code deployment}, as recorded for reference. */
  public static Map<String, Map<String, String>> services(PipelineSettings settings, Deployment deployment,
      Path workDir) {
    Map<String, Map<String, String>> m = new LinkedHashMap<>();
    for (String service : Pipeline.STEP_SERVICES) {
      m.put(service, new TreeMap<>(settings.service(service, deployment, workDir)));
    }
    return m;
  }

  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve(FILE_NAME).toFile(), this);
  }

  /** Reads {@code dir/run.json}. */
  public static RunRecord read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    try {
      return JSON.readValue(Files.readAllBytes(file), RunRecord.class);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no " + FILE_NAME + " in " + dir + ": not a run directory", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
