package io.adaptstream.ingest;

import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running drop-folder publisher ({@code adapt serve ingest}): whoever can copy files can publish a
 * release, with no client installed.
 *
 * <p>Contract of the inbox ({@code ingest.inbox.dir}):
 * <ul>
 *   <li>copy {@code <name>.json} (LLaVA array) or {@code <name>.jsonl}, optionally {@code <name>.role} holding
 *       {@code PRETRAIN} or {@code TASK}, and the images under {@code <name>.images/} (or in the inbox itself);
 *       then create {@code <name>.ready} to say the copy is complete;</li>
 *   <li>the service publishes it as release {@code <name>}, moves the files to {@code done/} and then writes
 *       {@code done/<name>.result.json} (the result line), so the result file appearing means everything is
 *       finished;</li>
 *   <li>a dataset that cannot be published goes to {@code failed/} with {@code failed/<name>.error} saying why
 *       (written last, too). Dropping it again resumes or finishes it.</li>
 *   <li>except while the schema registry is unavailable (past the wait of
 *       {@code schema.registry.retry.max.wait.ms}): nothing is wrong with the dataset then, so it stays in the
 *       inbox and is tried again at the next poll, resuming what was committed.</li>
 * </ul>
 *
 * <p>The inbox is polled every {@code ingest.poll.ms} rather than watched with a {@code WatchService}: polling
 * behaves the same on every file system, including network and container-mounted volumes where change events
 * are missing, and the latency it adds is irrelevant next to publishing a dataset.
 */
public final class IngestService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
  private static final String READY = ".ready";

  private final IngestConfig config;
  private final IngestJob job;
  private final IngestMetrics metrics;
  private final Path inbox;
  private final Path done;
  private final Path failed;
  private final Object wake = new Object();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile boolean running;

  public IngestService(IngestConfig config) {
    this(config, new SimpleMeterRegistry());
  }

  /** Reporting to {@code registry} (its {@code /metrics} endpoint's, or local mode's shared one). */
  public IngestService(IngestConfig config, MeterRegistry registry) {
    this(config, new IngestMetrics(registry));
  }

  private IngestService(IngestConfig config, IngestMetrics metrics) {
    this(config, new IngestJob(config, config.blobStore(), metrics.producers()), metrics);
  }

  /** With a job of the caller's making (its producers, its blob store); the service closes it. */
  public IngestService(IngestConfig config, IngestJob job) {
    this(config, job, new IngestMetrics(new SimpleMeterRegistry()));
  }

  private IngestService(IngestConfig config, IngestJob job, IngestMetrics metrics) {
    this.config = config;
    this.job = job;
    this.metrics = metrics;
    this.inbox = config.inboxDir().orElseThrow(() -> new ConfigException(IngestConfig.INBOX_DIR
        + " must be set for the ingest service")).toAbsolutePath().normalize();
    this.done = inbox.resolve("done");
    this.failed = inbox.resolve("failed");
    try {
      Files.createDirectories(done);
      Files.createDirectories(failed);
    } catch (IOException e) {
      job.close();
      throw new IllegalStateException("cannot create the inbox " + inbox + ": " + e.getMessage(), e);
    }
  }

  public Path inbox() {
    return inbox;
  }

  /** Publishes ready datasets until {@link #close()}. */
  public void run() {
    running = true;
    LOG.info("ingest service watching {} every {}", inbox, config.pollInterval());
    try {
      while (!closed) {
        processReady();
        synchronized (wake) {
          if (!closed) {
            wake.wait(config.pollInterval().toMillis());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      running = false;
      stopped.countDown();
      LOG.info("ingest service stopped");
    }
  }

  /** One pass over the inbox: publishes every dataset whose {@code .ready} file exists; returns how many. */
  public int processReady() {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(inbox)) {
      files.filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(READY) && n.length() > READY.length())
          .map(n -> n.substring(0, n.length() - READY.length()))
          .sorted()
          .forEach(names::add);
    } catch (IOException e) {
      LOG.warn("cannot list the inbox {}: {}", inbox, e.getMessage());
      return 0;
    }
    int processed = 0;
    for (String name : names) {
      if (closed) {
        break;
      }
      if (process(name)) {
        processed++;
      }
    }
    return processed;
  }

  /**
   * Returns false when publishing was cancelled or the registry is unavailable (the files stay in the inbox for
   * the next start or poll).
   */
  private boolean process(String name) {
    List<Path> files = datasetFiles(name);
    try {
      PublishRequest request = request(name);
      long t0 = System.nanoTime();
      IngestResult result;
      try {
        result = job.publish(request, IngestListener.NONE);
      } finally {
        metrics.publishEnded();
      }
      metrics.published(result, System.nanoTime() - t0);
      moveAll(files, done);
      writeAtomically(done.resolve(name + ".result.json"), result.toJson() + "\n");
      LOG.info("published {}: {}", name, result.toJson());
      return true;
    } catch (IngestCancelledException e) {
      LOG.info("publishing {} was interrupted by shutdown; it resumes on the next start", name);
      return false;
    } catch (RuntimeException e) {
      if (SchemaRegistryException.isUnavailable(e)) {
        LOG.warn("could not publish {} now: {}; it stays in the inbox and is tried again", name, e.getMessage());
        return false;
      }
      if (e instanceof PublishRefusedException) {
        LOG.error("refused to publish {}: {}", name, e.getMessage());
      } else {
        LOG.error("could not publish {}: {}", name, e.getMessage(), e);
      }
      metrics.failed();
      try {
        moveAll(files, failed);
        writeAtomically(failed.resolve(name + ".error"), describe(e));
      } catch (RuntimeException moveFailure) {
        LOG.error("could not move {} to {}: {}", name, failed, moveFailure.getMessage());
      }
      return true;
    }
  }

  private PublishRequest request(String name) {
    if (!PublishRequest.isValidName(name)) {
      throw new PublishRefusedException("'" + name + "' is not a valid release name: use 1-128 letters, digits, "
          + "'.', '_' or '-'");
    }
    Path json = inbox.resolve(name + ".json");
    Path jsonl = inbox.resolve(name + ".jsonl");
    boolean hasJson = Files.isRegularFile(json);
    boolean hasJsonl = Files.isRegularFile(jsonl);
    if (hasJson == hasJsonl) {
      throw new PublishRefusedException(hasJson
          ? "both " + json.getFileName() + " and " + jsonl.getFileName() + " exist; keep one"
          : "no " + json.getFileName() + " or " + jsonl.getFileName() + " next to " + name + READY);
    }
    Path file = hasJson ? json : jsonl;
    ReleaseRole role = ReleaseRole.TASK;
    Path roleFile = inbox.resolve(name + ".role");
    if (Files.isRegularFile(roleFile)) {
      String text;
      try {
        text = Files.readString(roleFile, StandardCharsets.UTF_8).trim().toUpperCase(Locale.ROOT);
      } catch (IOException e) {
        throw new PublishRefusedException("cannot read " + roleFile + ": " + e.getMessage(), e);
      }
      try {
        role = ReleaseRole.valueOf(text);
      } catch (IllegalArgumentException e) {
        throw new PublishRefusedException(roleFile.getFileName() + " must hold PRETRAIN or TASK, not '"
            + EntryParser.clip(text) + "'");
      }
    }
    Path images = inbox.resolve(name + ".images");
    Path imageRoot = Files.isDirectory(images) ? images : inbox;
    return new PublishRequest(name, file, DatasetFormat.detect(file), imageRoot, role);
  }

  /** The files of a dataset that exist, the ready file last (so a crash mid-move leaves it to retry). */
  private List<Path> datasetFiles(String name) {
    List<Path> files = new ArrayList<>();
    for (String suffix : List.of(".json", ".jsonl", ".role", ".images", READY)) {
      Path p = inbox.resolve(name + suffix);
      if (Files.exists(p)) {
        files.add(p);
      }
    }
    return files;
  }

  /** Moves files into {@code dir}, replacing copies left there by an earlier drop of the same name. */
  private static void moveAll(List<Path> files, Path dir) {
    for (Path f : files) {
      Path target = dir.resolve(f.getFileName());
      try {
        deleteTree(target);
        Files.move(f, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new IllegalStateException("cannot move " + f + " to " + dir + ": " + e.getMessage(), e);
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> walk = Files.walk(p)) {
        for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(q);
        }
      }
    } else {
      Files.delete(p);
    }
  }

  private static void writeAtomically(Path target, String text) {
    try {
      Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** The message; for anything but a refusal (a bug or an outage) the stack trace too. */
  private static String describe(RuntimeException e) {
    StringWriter out = new StringWriter();
    out.append(e.getMessage() == null ? e.toString() : e.getMessage()).append("\n");
    if (!(e instanceof PublishRefusedException)) {
      out.append("\n");
      e.printStackTrace(new PrintWriter(out));
    }
    return out.toString();
  }

  /** Stops {@link #run()}: a publish in progress stops at its next entry and resumes on the next start. */
  @Override
  public void close() {
    closed = true;
    job.cancel();
    synchronized (wake) {
      wake.notifyAll();
    }
    if (running) {
      try {
        if (!stopped.await(30, TimeUnit.SECONDS)) {
          LOG.warn("the ingest service did not stop within 30 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    job.close();
  }
}
