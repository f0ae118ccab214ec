package io.adaptstream.cli;

import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.ingest.DatasetFormat;
import io.adaptstream.ingest.IngestConfig;
import io.adaptstream.ingest.IngestJob;
import io.adaptstream.ingest.IngestListener;
import io.adaptstream.ingest.IngestResult;
import io.adaptstream.ingest.ProgressBarListener;
import io.adaptstream.ingest.PublishRequest;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.schemas.TopicCatalogue;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code adapt publish}: validates a dataset file and publishes it as one release, exactly once. Publishing the
 * same file again (after a crash halfway, or by mistake) resumes or does nothing; it never duplicates.
 */
@Command(name = "publish", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Publish a dataset (LLaVA JSON or JSONL) as a release: images go to the blob store, samples to",
        "the ingest topic, bad samples to the dead-letter topic with their reason, and the release is sealed.",
        "Re-running the same publish resumes an interrupted one and never duplicates a sample.", ""},
    footer = {"", "Example:", "  adapt publish --release r1-llava-mix data/r1-llava-mix.json --images data",
        "  {\"release\":\"r1-llava-mix\",\"sequence\":1,\"accepted\":1840,\"duplicates\":12,\"rejected\":{}}"})
final class PublishCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @ParentCommand
  AdaptCli app;

  @Mixin
  EndpointOptions endpoints;

  @Option(names = "--release", required = true, paramLabel = "NAME",
      description = "Release name: letters, digits, '.', '_' or '-' (at most 128).")
  String release;

  @Parameters(index = "0", paramLabel = "FILE", description = "The dataset file.")
  Path file;

  @Option(names = "--format", paramLabel = "llava|jsonl",
      description = "Input format (default: jsonl for *.jsonl, else llava).")
  String format;

  @Option(names = "--images", paramLabel = "DIR",
      description = "Root that image paths are relative to; no path may leave it (default: the file's directory).")
  Path images;

  @Option(names = "--pretrain",
      description = "Publish as the pretraining release: it trains the base model and never enters the pool.")
  boolean pretrain;

  @Option(names = "--blob-store", paramLabel = "DIR",
      description = "Blob store directory (default: the running local mode's).")
  Path blobStore;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = TopicCatalogue.DEFAULT_PREFIX,
      description = "Topic prefix of the deployment (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(names = "--json", description = "Print only one final JSON line (no progress bar).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(file)) {
      throw new ParameterException(spec.commandLine(), "no such dataset file: " + file);
    }
    if (!PublishRequest.isValidName(release)) {
      throw new ParameterException(spec.commandLine(),
          "invalid release name '" + release + "': use 1-128 letters, digits, '.', '_' or '-'");
    }
    DatasetFormat fmt = format == null ? DatasetFormat.detect(file) : parseFormat(format);
    Endpoints ep = endpoints.resolve();
    Path blobs = blobStore != null ? blobStore : ep.blobStore().orElseThrow(() -> new ParameterException(
        spec.commandLine(), "--blob-store is required when --bootstrap-servers/--schema-registry-url are given"));

    Map<String, Object> settings = new HashMap<>();
    settings.put(ServiceConfig.BOOTSTRAP_SERVERS, ep.bootstrapServers());
    settings.put(ServiceConfig.SCHEMA_REGISTRY_URL, ep.schemaRegistryUrl());
    settings.put(ServiceConfig.TOPIC_PREFIX, topicPrefix);
    settings.put(ServiceConfig.BLOB_STORE, blobs.toString());
    IngestConfig config = new IngestConfig(settings);

    PublishRequest request = new PublishRequest(release, file, fmt, images,
        pretrain ? ReleaseRole.PRETRAIN : ReleaseRole.TASK);
    boolean bar = !json && System.console() != null;
    IngestResult result;
    try (IngestJob job = new IngestJob(config, app.blobStore(blobs));
        ProgressBarListener progress = bar ? new ProgressBarListener() : null) {
      Thread interruptHook = new Thread(job::cancel, "publish-cancel");
      Runtime.getRuntime().addShutdownHook(interruptHook);
      try {
        result = job.publish(request, progress == null ? IngestListener.NONE : progress);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(interruptHook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is exiting: the hook has run
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!json) {
      out.println(result.alreadySealed()
          ? "release " + release + " was already published (sequence " + result.sequence() + "); nothing written"
          : "release " + release + " sealed with sequence " + result.sequence() + ": " + result.accepted()
              + " accepted, " + result.duplicates() + " duplicates, " + result.rejectedTotal()
              + " rejected (see the dead-letter topic)");
    }
    out.println(result.toJson());
    out.flush();
    return AdaptCli.EXIT_OK;
  }

  private DatasetFormat parseFormat(String value) {
    try {
      return DatasetFormat.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "unknown format '" + value + "': use llava or jsonl");
    }
  }
}
