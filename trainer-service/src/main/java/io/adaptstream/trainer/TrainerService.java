package io.adaptstream.trainer;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.model.DjlRuntime;
import io.adaptstream.runtime.TopicReader;
import io.adaptstream.runtime.metrics.ConsumerGroupLag;
import io.adaptstream.runtime.metrics.ServiceMeters;
import io.adaptstream.schemas.DeadLetters;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.trainer.IngestView.Located;
import io.adaptstream.trainer.StepTrainer.Made;
import io.adaptstream.trainer.StepTrainer.Rejected;
import io.adaptstream.trainer.TrainerListener.Phase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer: makes model version {@code t} from version {@code t-1} and step {@code t}'s selections, evaluates
 * it and publishes it, one version at a time, exactly once.
 *
 * <p>This class is the loop and its transaction; the work is in parts it is handed or builds from its config:
 * {@link TrainerClients} (its Kafka clients), {@link IngestTail} (the ingest log and the release table),
 * {@link StepSelections} (a step's selections and the offsets that consume it) and {@link StepTrainer} (the model
 * work, with no Kafka in it). One thread does everything, in this order:
 * <ol>
 *   <li>create the catalogue's topics (idempotent), start the PyTorch engine, fence any earlier trainer of the
 *       run ({@code initTransactions} on the run's one transactional id aborts what it left open), then read the
 *       run's {@code models} topic for the newest committed version;</li>
 *   <li>tail the shared ingest log and the release table from the beginning (a plain, group-less
 *       read_committed consumer) for test samples, the pretraining release and release seals;</li>
 *   <li>without a version 0, make one as {@code trainer.base} says, evaluate it and publish it;</li>
 *   <li>then forever, for {@code t = latest + 1}: read {@code selections} from the committed offsets until step
 *       {@code t} is complete on every partition, wait until release {@code t} is sealed in the ingest log,
 *       fine-tune version {@code t-1} on the selected samples (sample id order, seed from ({@code trainer.seed}, t);
 *       {@code trainer.epochs} passes, or {@code trainer.steps} steps when set; before training, with
 *       {@code trainer.eval.transfer} on, versions {@code t-1} and 0 are evaluated on release {@code t}'s test
 *       split for forward transfer), evaluate on every release up to {@code t}, store the checkpoint and
 *       commit in one transaction the {@link ModelVersion}, its {@link EvalResult}, the step's dead letters and the
 *       selections offsets just past the step's last markers.</li>
 * </ol>
 *
 * <p>Exactly once: a version becomes visible to read_committed readers only together with the offsets that
 * consume its step, and a restarted trainer starts from those offsets and from the newest committed version. A
 * trainer stopped at any point before its commit leaves nothing visible; its successor redoes the step (with the
 * same seed, on the same samples in the same order). The selections consumer is assigned, not subscribed: a
 * step's training can take longer than any group session, and fencing comes from the shared transactional id.
 */
public final class TrainerService implements AutoCloseable {

  static final String SERVICE = "trainer";
  static final Duration POLL = TopicReader.POLL;

  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration CLIENT_CLOSE = Duration.ofSeconds(5);

  private final TrainerConfig config;
  private final TopicCatalogue catalogue;
  private final AvroSerdes serdes;
  private final BlobStore blobs;
  private final TrainerListener listener;
  private final TrainerMetrics metrics;
  private final TrainerClients clients;
  private final String modelName;
  private final String clientId;
  private final Deserializer<ModelVersion> versionReader;

  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile Thread runner;
  private volatile Consumer<byte[], byte[]> selectionsConsumer;
  private volatile Consumer<byte[], byte[]> ingestConsumer;

  // state of the run thread
  private Producer<String, SpecificRecord> producer;
  private IngestTail ingest;
  private StepSelections selections;
  private int versionsPublished;
  private int stepsTrained;
  private long deadLetters;

  /** The service with the blob store its config names and no listener. */
  public TrainerService(TrainerConfig config) {
    this(config, config.blobStore(), TrainerListener.NONE);
  }

  /** The service with real Kafka clients from {@code config}. */
  public TrainerService(TrainerConfig config, BlobStore blobs, TrainerListener listener) {
    this(config, blobs, listener, TrainerClients.kafka(config));
  }

  /** The service with the caller's clients (nothing is created until {@link #run()}), meters unserved. */
  public TrainerService(TrainerConfig config, BlobStore blobs, TrainerListener listener, TrainerClients clients) {
    this(config, blobs, listener, clients, new SimpleMeterRegistry());
  }

  /**
   * The service with the caller's clients, reporting to {@code registry} (its {@code /metrics} endpoint's, or local
   * mode's shared one; {@link TrainerMetrics}).
   */
  public TrainerService(TrainerConfig config, BlobStore blobs, TrainerListener listener, TrainerClients clients,
      MeterRegistry registry) {
    this.config = Objects.requireNonNull(config, "config");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.metrics = new TrainerMetrics(registry, Objects.requireNonNull(listener, "listener"));
    this.listener = metrics;
    this.clients = Objects.requireNonNull(clients, "clients");
    this.catalogue = config.catalogue();
    this.serdes = config.serdes();
    this.modelName = config.modelName();
    this.clientId = clientId(config);
    this.versionReader = serdes.deserializer(ModelVersion.class);
  }

  /** The record key of a model version: {@code <model>@<version>}. */
  public static String versionKey(String model, int version) {
    return model + "@" + version;
  }

  /** Names this trainer's clients: the run-scoped service name and the instance id. */
  static String clientId(TrainerConfig config) {
    return config.catalogue().runScopedName(SERVICE) + "-"
        + config.instanceId().replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /**
   * Makes and publishes model versions until {@link #close()}; returns normally when closed, with what it did. Any
   * other failure ends it with an exception, leaving nothing half-published: run a new service to go on where it
   * stopped.
   */
  public TrainerResult run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("a TrainerService runs once; create a new one");
    }
    runner = Thread.currentThread();
    StepTrainer<ConsumerRecord<byte[], byte[]>> trainer = null;
    List<AutoCloseable> clientMetrics = new ArrayList<>();
    ConsumerGroupLag lag = null;
    try {
      if (closed) {
        return result(null);
      }
      clients.ensureTopics(catalogue, config.replicationFactor());
      DjlRuntime.init(config.deterministic());
      producer = clients.transactionalProducer();
      ingestConsumer = clients.consumer(null, "ingest");
      selectionsConsumer = clients.consumer(catalogue.runScopedName(SERVICE), "selections");
      clientMetrics.add(metrics.meters().bind(producer));
      clientMetrics.add(metrics.meters().bind(ingestConsumer));
      clientMetrics.add(metrics.meters().bind(selectionsConsumer));
      lag = metrics.meters().groupLag(config.clientProps(), catalogue.runScopedName(SERVICE));
      checkOpen();
      producer.initTransactions();
      Map<Integer, ModelVersion> published = readVersions();
      ModelVersion latest = latestOf(published);
      LOG.info("trainer {} of run '{}' started: model {}, {}", clientId, catalogue.run(), modelName,
          latest == null ? "no version yet (base: " + config.base().name().toLowerCase() + ")"
              : "latest version " + latest.getVersion() + " (sha256 " + latest.getSha256() + ")");
      trainer = new StepTrainer<>(config, blobs, new Cancellable(listener), this::checkOpen, latest,
          latest == null ? null : published.get(0));
      ingest = new IngestTail(ingestConsumer, catalogue, serdes, latest == null, this::checkOpen, listener);
      selections = new StepSelections(selectionsConsumer, catalogue, serdes, this::checkOpen, listener);
      ingest.start();
      if (latest == null) {
        publishBase(trainer);
        ingest.view().dropPretrainSamples();
      }
      ingest.releasesReportedTo(selections.start(ingest.releasesPartition()));
      while (true) {
        checkOpen();
        runStep(trainer, trainer.latest().orElseThrow().getVersion() + 1);
      }
    } catch (Stopped | WakeupException | InterruptException e) {
      if (!closed) {
        throw e;
      }
      LOG.info("trainer {} stopped", clientId);
      return result(trainer);
    } catch (IOException e) {
      LOG.error("trainer {} failed: {}", clientId, e.toString());
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      LOG.error("trainer {} failed: {}", clientId, e.toString());
      throw e;
    } finally {
      if (trainer != null) {
        trainer.close();
      }
      closeQuietly(selectionsConsumer);
      closeQuietly(ingestConsumer);
      clientMetrics.forEach(ServiceMeters::closeQuietly);
      ServiceMeters.closeQuietly(lag);
      if (producer != null) {
        try {
          producer.close(CLIENT_CLOSE);
        } catch (RuntimeException e) {
          LOG.debug("closing the producer failed", e);
        }
      }
      finished.countDown();
    }
  }

  /**
   * Stops the service: a step in training stops at its next batch, and nothing of it is published. Waits (up to a
   * minute) for {@link #run()} to return.
   */
  @Override
  public void close() {
    closed = true;
    Consumer<byte[], byte[]> s = selectionsConsumer;
    Consumer<byte[], byte[]> i = ingestConsumer;
    if (s != null) {
      s.wakeup();
    }
    if (i != null) {
      i.wakeup();
    }
    if (started.get() && Thread.currentThread() != runner) {
      try {
        if (!finished.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("trainer {} did not stop within {}", clientId, CLOSE_WAIT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private TrainerResult result(StepTrainer<?> trainer) {
    return new TrainerResult(versionsPublished, stepsTrained, deadLetters,
        ingest == null ? 0 : ingest.unreadableRecords(), trainer == null ? null : trainer.latest().orElse(null));
  }

  // ---- versions

  private void publishBase(StepTrainer<?> trainer) throws IOException {
    IngestView view = ingest.view();
    String release = null;
    if (config.base() == TrainerConfig.Base.PRETRAIN) {
      ingest.await(0, () -> view.isSealed(0), "the pretraining release (sequence 0) to be sealed on every "
          + "partition of " + catalogue.ingest.name());
      release = view.sealed(0).orElseThrow().name();
    } else {
      ingest.catchUp(CATCH_UP_TIMEOUT);
    }
    List<Located> pretrain = config.base() == TrainerConfig.Base.PRETRAIN ? view.pretrainSamples() : List.of();
    trainer.makeBase(release, pretrain, view.testSamples(0), made -> {
      List<DeadLetter> dead = new ArrayList<>();
      for (Rejected<Located> r : made.rejected()) {
        Located l = r.ref();
        dead.add(DeadLetters.of(catalogue.ingest.name(), l.partition(), l.offset(), SERVICE, r.reason(), r.detail(),
            r.sampleId().getBytes(StandardCharsets.UTF_8), null));
      }
      publish(made, dead, Map.of());
    });
  }

  private void runStep(StepTrainer<ConsumerRecord<byte[], byte[]>> trainer, int step) throws IOException {
    List<DeadLetter> dead = new ArrayList<>();
    StepAssembler<ConsumerRecord<byte[], byte[]>> assembler =
        selections.collect(step, dead, () -> ingest.poll(Duration.ZERO));
    IngestView view = ingest.view();
    ingest.await(step, () -> view.isSealed(step), "the task release with sequence " + step
        + " to be sealed on every partition of " + catalogue.ingest.name());
    String release = view.sealed(step).orElseThrow().name();
    trainer.makeStep(step, release, assembler.selections(), view.testSamples(step), made -> {
      for (Rejected<ConsumerRecord<byte[], byte[]>> r : made.rejected()) {
        dead.add(DeadLetters.of(r.ref(), SERVICE, r.reason(), r.detail()));
      }
      publish(made, dead, selections.offsetsPast(assembler));
    });
    selections.resume();
  }

  /** Commits a made version with its dead letters and offsets, then tells the listener. */
  private void publish(Made<?> made, List<DeadLetter> dead, Map<TopicPartition, OffsetAndMetadata> offsets) {
    ModelVersion version = made.made().version();
    EvalResult evaluation = made.made().evaluation();
    long committedDead = commit(version, evaluation, dead, offsets);
    versionsPublished++;
    if (version.getVersion() > 0) {
      stepsTrained++;
    }
    deadLetters += committedDead;
    LOG.info("published {}: sha256 {}, {} trained samples ({} steps, {} sample passes), {} dead letters, average "
        + "accuracy {} on {} test samples", versionKey(modelName, version.getVersion()),
        made.made().checkpoint().sha256(), made.trainedSamples(), version.getOptimizerSteps(),
        version.getSamplePasses(), dead.size(), String.format("%.4f", evaluation.getAvgAccuracy()),
        evaluation.getTestSamples());
    listener.onPublished(version, evaluation);
  }

  // ---- Kafka

  /**
   * One transaction: dead letters, the version, its evaluation and (for steps) the selections offsets.
   *
   * @return the dead letters committed (the step's and the release table's)
   */
  private long commit(ModelVersion record, EvalResult eval, List<DeadLetter> stepDead,
      Map<TopicPartition, OffsetAndMetadata> stepOffsets) {
    String key = versionKey(record.getModel(), record.getVersion());
    IngestTail.Pending releases = ingest.pending();
    List<DeadLetter> dead = new ArrayList<>(stepDead);
    dead.addAll(releases.deadLetters());
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(stepOffsets);
    if (releases.offset() > 0) {
      offsets.put(ingest.releasesPartition(), new OffsetAndMetadata(releases.offset()));
    }
    producer.beginTransaction();
    try {
      for (DeadLetter d : dead) {
        producer.send(new ProducerRecord<>(catalogue.dlq.name(), DeadLetters.key(d), d));
      }
      producer.send(new ProducerRecord<>(catalogue.models.name(), key, record));
      producer.send(new ProducerRecord<>(catalogue.evals.name(), key, eval));
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(offsets, selections.groupMetadata());
      }
      // commitTransaction flushes anyway; flushing first means a failure from here on leaves the records on the
      // broker as an aborted transaction rather than unsent, whichever way the sender's timing fell
      producer.flush();
      listener.onPhase(record.getVersion(), Phase.COMMITTING);
      producer.commitTransaction();
      metrics.deadLettersCommitted(dead);
      ingest.reported(releases);
      return dead.size();
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      throw new IllegalStateException("another trainer of run '" + catalogue.run() + "' has started and fenced "
          + "this one; " + key + " is left to it", e);
    } catch (RuntimeException | Error e) {
      try {
        producer.abortTransaction();
      } catch (RuntimeException abort) {
        e.addSuppressed(abort);
      }
      throw e;
    }
  }

  /** The committed versions of this model in the run's models topic, by version. */
  private Map<Integer, ModelVersion> readVersions() {
    Map<Integer, ModelVersion> byVersion = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readToEnd(catalogue.models)) {
      if (r.value() == null) {
        continue;
      }
      ModelVersion v;
      try {
        v = versionReader.deserialize(r.topic(), r.value());
      } catch (RuntimeException e) {
        IngestTail.throwIfRegistryUnavailable(e);
        LOG.warn("unreadable record {}/{}/{} ignored: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        continue;
      }
      if (modelName.equals(v.getModel())) {
        byVersion.put(v.getVersion(), v);
      }
    }
    return byVersion;
  }

  /** The newest of {@code byVersion} that follows an unbroken line from version 0, or null. */
  private static ModelVersion latestOf(Map<Integer, ModelVersion> byVersion) {
    ModelVersion best = null;
    // versions are published in order from 0: one past a gap belongs to no step (the selector dead-letters it)
    for (int v = 0; byVersion.containsKey(v); v++) {
      best = byVersion.get(v);
    }
    return best;
  }

  private List<ConsumerRecord<byte[], byte[]>> readToEnd(Topic<?> topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (Consumer<byte[], byte[]> consumer = clients.consumer(null, topic.logical() + "-reader")) {
      TopicReader.readFromBeginning(consumer, partitions(topic), CATCH_UP_TIMEOUT, this::checkOpen, out::add);
    }
    return out;
  }

  /** Every partition of {@code topic}. */
  static List<TopicPartition> partitions(Topic<?> topic) {
    List<TopicPartition> parts = new ArrayList<>();
    for (int p = 0; p < topic.partitions(); p++) {
      parts.add(new TopicPartition(topic.name(), p));
    }
    return parts;
  }

  private void checkOpen() {
    if (closed) {
      throw new Stopped();
    }
  }

  private static void closeQuietly(Consumer<?, ?> consumer) {
    if (consumer != null) {
      try {
        consumer.close(CloseOptions.timeout(CLIENT_CLOSE));
      } catch (RuntimeException e) {
        LOG.debug("closing a consumer failed", e);
      }
    }
  }

  /** The service's listener, plus the check that ends a version being made at its next step once closed. */
  private final class Cancellable implements TrainerListener {

    private final TrainerListener delegate;

    Cancellable(TrainerListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onPhase(int version, Phase phase) {
      checkOpen();
      delegate.onPhase(version, phase);
    }

    @Override
    public void onTrainingStep(int version, int step, int totalSteps, int stepsPerEpoch, float loss) {
      delegate.onTrainingStep(version, step, totalSteps, stepsPerEpoch, loss);
      checkOpen();
    }
  }

  /** Thrown on the run thread when {@link #close()} was called; ends {@link #run()} normally. */
  private static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("the trainer was closed", null, false, false);
    }
  }
}
