package io.adaptstream.trainer;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.Release;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.avro.Selection;
import io.adaptstream.avro.SelectionEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.model.DjlRuntime;
import io.adaptstream.model.Example;
import io.adaptstream.model.ModelConfig;
import io.adaptstream.model.TrainOptions;
import io.adaptstream.model.VisionLanguageModel;
import io.adaptstream.schemas.DeadLetters;
import io.adaptstream.schemas.PoisonReason;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.TopicAdmin;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.trainer.ExampleFactory.Conversion;
import io.adaptstream.trainer.IngestView.Located;
import io.adaptstream.trainer.StepAssembler.Selected;
import io.adaptstream.trainer.StepAssembler.Verdict;
import io.adaptstream.trainer.TrainerListener.Phase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer: makes model version {@code t} from version {@code t-1} and step {@code t}'s selections, evaluates
 * it and publishes it, one version at a time, exactly once.
 *
 * <p>One thread does everything, in this order:
 * <ol>
 *   <li>create the catalogue's topics (idempotent), start the PyTorch engine, fence any earlier trainer of the
 *       run ({@code initTransactions} on the run's one transactional id aborts what it left open), then read the
 *       run's {@code models} topic for the newest committed version;</li>
 *   <li>tail the shared ingest log and the release table from the beginning (a plain, group-less
 *       read_committed consumer) for test samples, the pretraining release and release seals
 *       ({@link IngestView});</li>
 *   <li>without a version 0, make one as {@code trainer.base} says, evaluate it and publish it;</li>
 *   <li>then forever, for {@code t = latest + 1}: read {@code selections} from the committed offsets until step
 *       {@code t} is complete on every partition ({@link StepAssembler}), wait until release {@code t} is sealed
 *       in the ingest log, fine-tune version {@code t-1} on the selected samples (sample id order, seed from
 *       ({@code trainer.seed}, t); {@code trainer.epochs} passes, or {@code trainer.steps} steps when set), evaluate,
 *       store the checkpoint (these three are {@link VersionMaker}'s, which has no Kafka in it) and commit in one
 *       transaction the {@link ModelVersion}, its {@link EvalResult}, the step's dead letters and the selections
 *       offsets just past the step's last markers.</li>
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

  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long WAIT_LOG_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration CLIENT_CLOSE = Duration.ofSeconds(5);

  private final TrainerConfig config;
  private final TopicCatalogue catalogue;
  private final AvroSerdes serdes;
  private final BlobStore blobs;
  private final TrainerListener listener;
  private final ExampleFactory examples;
  private final VersionMaker maker;
  private final String modelName;
  private final String clientId;
  private final Deserializer<SelectionEvent> selectionReader;
  private final Deserializer<IngestEvent> ingestReader;
  private final Deserializer<Release> releaseReader;
  private final Deserializer<ModelVersion> versionReader;

  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile Thread runner;
  private volatile KafkaConsumer<byte[], byte[]> selectionsConsumer;
  private volatile KafkaConsumer<byte[], byte[]> ingestConsumer;

  // state of the run thread
  private KafkaProducer<String, SpecificRecord> producer;
  private IngestView view;
  private ModelVersion latest;
  private VisionLanguageModel current;
  private int currentVersion = -1;
  private final Map<String, Example> testExamples = new HashMap<>();
  private final Set<String> unusableTests = new HashSet<>();
  private long unreadableIngestRecords;
  /** Poison read from the release table, for the next transaction. */
  private final List<DeadLetter> releaseDeadLetters = new ArrayList<>();
  /** Release table offsets below this are reported already (committed in the selections consumer's group). */
  private long releasesDeadLetteredTo;
  /** The release table offset just past the last record read. */
  private long releasesReadTo;

  /** The service with the blob store its config names and no listener. */
  public TrainerService(TrainerConfig config) {
    this(config, config.blobStore(), TrainerListener.NONE);
  }

  public TrainerService(TrainerConfig config, BlobStore blobs, TrainerListener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.catalogue = config.catalogue();
    this.serdes = config.serdes();
    this.examples = new ExampleFactory(blobs);
    this.maker = new VersionMaker(config.modelName(), blobs, config.evalBatchSize(), new Cancellable(listener));
    this.modelName = config.modelName();
    this.clientId = catalogue.runScopedName(SERVICE) + "-" + config.instanceId().replaceAll("[^A-Za-z0-9._-]", "_");
    this.selectionReader = serdes.deserializer(SelectionEvent.class);
    this.ingestReader = serdes.deserializer(IngestEvent.class);
    this.releaseReader = serdes.deserializer(Release.class);
    this.versionReader = serdes.deserializer(ModelVersion.class);
  }

  /** The record key of a model version: {@code <model>@<version>}. */
  public static String versionKey(String model, int version) {
    return model + "@" + version;
  }

  /**
   * Makes and publishes model versions until {@link #close()}; returns normally when closed. Any other failure
   * ends it with an exception, leaving nothing half-published: run a new service to go on where it stopped.
   */
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("a TrainerService runs once; create a new one");
    }
    runner = Thread.currentThread();
    Admin admin = null;
    try {
      if (closed) {
        return;
      }
      admin = Admin.create(config.clientProps());
      TopicAdmin.ensure(admin, catalogue.all(), config.replicationFactor());
      DjlRuntime.init(config.deterministic());
      producer = newProducer();
      ingestConsumer = newConsumer(null, "ingest");
      selectionsConsumer = newConsumer(catalogue.runScopedName(SERVICE), "selections");
      checkOpen();
      producer.initTransactions();
      latest = readLatestVersion();
      LOG.info("trainer {} of run '{}' started: model {}, {}", clientId, catalogue.run(), modelName,
          latest == null ? "no version yet (base: " + config.base().name().toLowerCase() + ")"
              : "latest version " + latest.getVersion() + " (sha256 " + latest.getSha256() + ")");
      view = new IngestView(latest == null);
      startIngest();
      if (latest == null) {
        publishBase();
        view.dropPretrainSamples();
      }
      startSelections();
      while (true) {
        checkOpen();
        runStep(latest.getVersion() + 1);
      }
    } catch (Stopped | WakeupException | InterruptException e) {
      if (!closed) {
        throw e;
      }
      LOG.info("trainer {} stopped", clientId);
    } catch (IOException e) {
      LOG.error("trainer {} failed: {}", clientId, e.toString());
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      LOG.error("trainer {} failed: {}", clientId, e.toString());
      throw e;
    } finally {
      releaseModel();
      closeQuietly(selectionsConsumer);
      closeQuietly(ingestConsumer);
      if (producer != null) {
        try {
          producer.close(CLIENT_CLOSE);
        } catch (RuntimeException e) {
          LOG.debug("closing the producer failed", e);
        }
      }
      if (admin != null) {
        admin.close(CLIENT_CLOSE);
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
    KafkaConsumer<byte[], byte[]> s = selectionsConsumer;
    KafkaConsumer<byte[], byte[]> i = ingestConsumer;
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

  // ---- version 0

  private void publishBase() throws IOException {
    ModelConfig modelConfig = config.modelConfig();
    List<DeadLetter> dead = new ArrayList<>();
    VisionLanguageModel model = null;
    try {
      String release = null;
      List<Example> train = List.of();
      switch (config.base()) {
        case RANDOM -> {
          model = VisionLanguageModel.create(modelConfig, StepSeeds.initialWeights(config.seed()), config.device());
          LOG.info("version 0: a new untrained model ({} parameters)", model.parameterCount());
          catchUpIngest();
        }
        case CHECKPOINT -> {
          Path path = config.baseCheckpoint().orElseThrow();
          model = Checkpoints.load(path, blobs, config.device());
          LOG.info("version 0: loaded the checkpoint {} ({} parameters)", path, model.parameterCount());
          catchUpIngest();
        }
        case PRETRAIN -> {
          awaitIngest(0, () -> view.isSealed(0), "the pretraining release (sequence 0) to be sealed on every "
              + "partition of " + catalogue.ingest.name());
          release = view.sealed(0).orElseThrow().name();
          model = VisionLanguageModel.create(modelConfig, StepSeeds.initialWeights(config.seed()), config.device());
          train = pretrainExamples(model, dead);
          if (train.isEmpty()) {
            LOG.warn("version 0: the pretraining release {} has no usable train sample; publishing the untrained "
                + "model", release);
          } else {
            LOG.info("version 0: pretraining a new model ({} parameters) on release {}", model.parameterCount(),
                release);
          }
        }
        default -> throw new IllegalStateException("unknown base " + config.base());
      }
      makeVersion(0, model, release, train, config.pretrainOptions(), dead, Map.of());
    } catch (RuntimeException | IOException | Error e) {
      if (model != null) {
        model.close();
      }
      throw e;
    }
  }

  private List<Example> pretrainExamples(VisionLanguageModel model, List<DeadLetter> dead) {
    List<Example> out = new ArrayList<>();
    for (Located l : view.pretrainSamples()) {
      Sample s = l.sample();
      Conversion c = examples.convert(s, model);
      if (c.ok()) {
        out.add(c.example());
      } else {
        LOG.warn("pretraining sample {} (ingest partition {}, offset {}) is left out: {}: {}", s.getId(),
            l.partition(), l.offset(), c.reason(), c.detail());
        dead.add(DeadLetters.of(catalogue.ingest.name(), l.partition(), l.offset(), SERVICE, c.reason(), c.detail(),
            s.getId().getBytes(StandardCharsets.UTF_8), null));
      }
    }
    return out;
  }

  // ---- steps

  private void runStep(int step) throws IOException {
    List<DeadLetter> dead = new ArrayList<>();
    StepAssembler<ConsumerRecord<byte[], byte[]>> assembler = collect(step, dead);
    awaitIngest(step, () -> view.isSealed(step), "the task release with sequence " + step
        + " to be sealed on every partition of " + catalogue.ingest.name());
    String release = view.sealed(step).orElseThrow().name();
    VisionLanguageModel model = modelVersion(step - 1);
    try {
      List<Example> train = new ArrayList<>();
      for (Selected<ConsumerRecord<byte[], byte[]>> s : assembler.selections()) {
        Conversion c = examples.convert(s.selection().getSample(), model);
        if (c.ok()) {
          train.add(c.example());
        } else {
          LOG.warn("step {}: selected sample {} is left out: {}: {}", step, s.selection().getSampleId(), c.reason(),
              c.detail());
          dead.add(DeadLetters.of(s.ref(), SERVICE, c.reason(), c.detail()));
        }
      }
      if (train.isEmpty()) {
        LOG.warn("step {}: nothing to train on; version {} keeps the weights of version {}", step, step, step - 1);
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new TreeMap<>(
          (a, b) -> Integer.compare(a.partition(), b.partition()));
      for (int p = 0; p < assembler.partitions(); p++) {
        offsets.put(new TopicPartition(catalogue.selections.name(), p),
            new OffsetAndMetadata(assembler.nextOffset(p), "step " + step));
      }
      makeVersion(step, model, release, train, config.stepOptions(step), dead, offsets);
    } catch (RuntimeException | IOException | Error e) {
      model.close();
      throw e;
    }
    selectionsConsumer.resume(selectionsConsumer.paused());
  }

  /** Reads selections until step {@code step} is complete on every partition. */
  private StepAssembler<ConsumerRecord<byte[], byte[]>> collect(int step, List<DeadLetter> dead) {
    listener.onPhase(step, Phase.COLLECTING);
    KafkaConsumer<byte[], byte[]> consumer = selectionsConsumer;
    StepAssembler<ConsumerRecord<byte[], byte[]>> assembler =
        new StepAssembler<>(step, catalogue.selections.partitions());
    LOG.info("step {}: waiting for its selections on {}", step, catalogue.selections.name());
    long lastLog = System.nanoTime();
    while (!assembler.isComplete()) {
      checkOpen();
      ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
      for (TopicPartition tp : records.partitions()) {
        int p = tp.partition();
        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
          if (assembler.isComplete(p)) {
            break;
          }
          offer(assembler, r, dead);
        }
        if (assembler.isComplete(p)) {
          // later records are the next step's: read them again from here when it starts
          consumer.seek(tp, assembler.nextOffset(p));
          consumer.pause(List.of(tp));
        }
      }
      pollIngest(Duration.ZERO);
      if (System.nanoTime() - lastLog > WAIT_LOG_NANOS) {
        LOG.info("step {}: still collecting selections: {}", step, assembler.progress());
        lastLog = System.nanoTime();
      }
    }
    LOG.info("step {}: selections complete on all {} partitions: {} samples, {} dead letters ({})", step,
        assembler.partitions(), assembler.selections().size(), dead.size(), assembler.progress());
    return assembler;
  }

  private void offer(StepAssembler<ConsumerRecord<byte[], byte[]>> assembler, ConsumerRecord<byte[], byte[]> r,
      List<DeadLetter> dead) {
    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    SelectionEvent event = null;
    String problem = "no value (a tombstone)";
    PoisonReason poison = PoisonReason.UNDESERIALISABLE;
    if (r.value() != null) {
      try {
        event = selectionReader.deserialize(r.topic(), r.value());
      } catch (RuntimeException e) {
        // a registry that cannot be asked says nothing about the record: fail rather than drop a selection
        poison = PoisonReason.of(e).orElseThrow(() -> e);
        problem = String.valueOf(e.getMessage());
      }
    }
    Verdict verdict;
    if (event == null) {
      verdict = assembler.offerUnreadable(r.partition(), poison, problem);
    } else if (event.getPayload() instanceof Selection s) {
      verdict = assembler.offerSelection(r.partition(), r.offset(), key, s, r);
    } else if (event.getPayload() instanceof StepMarker m) {
      verdict = assembler.offerMarker(r.partition(), r.offset(), m);
    } else {
      verdict = assembler.offerUnreadable(r.partition(), PoisonReason.UNDESERIALISABLE,
          "unexpected payload " + event.getPayload());
    }
    switch (verdict.kind()) {
      case DEAD_LETTER -> {
        LOG.warn("step {}: {}/{}/{} goes to the dead-letter topic: {}: {}", assembler.step(), r.topic(),
            r.partition(), r.offset(), verdict.reason(), verdict.detail());
        dead.add(DeadLetters.of(r, SERVICE, verdict.reason(), verdict.detail()));
      }
      case SKIPPED -> LOG.debug("step {}: skipped {}/{}/{}: {}", assembler.step(), r.topic(), r.partition(),
          r.offset(), verdict.detail());
      default -> {
        // a selection or marker of the step: the assembler has it
      }
    }
  }

  /** Version {@code version} to train on: the one in memory when it is exactly that, else loaded (verified). */
  private VisionLanguageModel modelVersion(int version) {
    if (current != null && currentVersion == version) {
      VisionLanguageModel m = current;
      current = null;
      currentVersion = -1;
      return m;
    }
    releaseModel();
    if (latest == null || latest.getVersion() != version) {
      throw new IllegalStateException("version " + version + " of " + modelName + " is not the latest published");
    }
    LOG.info("loading {} from {}", versionKey(modelName, version), latest.getUri());
    try {
      return VisionLanguageModel.load(blobs, latest.getSha256(), latest.getConfig(), config.device());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + versionKey(modelName, version) + " (sha256 "
          + latest.getSha256() + ") from the blob store: " + e.getMessage(), e);
    }
  }

  /**
   * Trains (when {@code train} is not empty), evaluates, stores the checkpoint and publishes the version; on success
   * the model stays in memory.
   */
  private void makeVersion(int version, VisionLanguageModel model, String release, List<Example> train,
      TrainOptions options, List<DeadLetter> dead, Map<TopicPartition, OffsetAndMetadata> offsets)
      throws IOException {
    checkOpen();
    List<Example> tests = testExamples(model, view.testSamples(version));
    VersionMaker.Result made = maker.make(version, release, model, train, options, tests);
    checkOpen();
    commit(made.version(), made.evaluation(), dead, offsets);
    latest = made.version();
    current = model;
    currentVersion = version;
    LOG.info("published {}: sha256 {}, {} trained samples ({} steps, {} sample passes), {} dead letters, average "
        + "accuracy {} on {} test samples", versionKey(modelName, version), made.checkpoint().sha256(), train.size(),
        made.version().getOptimizerSteps(), made.version().getSamplePasses(), dead.size(),
        String.format("%.4f", made.evaluation().getAvgAccuracy()), made.evaluation().getTestSamples());
    listener.onPublished(made.version(), made.evaluation());
  }

  /** Test examples for these samples, converted once per run; unusable ones are left out (and said so once). */
  private List<Example> testExamples(VisionLanguageModel model, List<Located> samples) {
    List<Example> out = new ArrayList<>(samples.size());
    for (Located l : samples) {
      String id = l.sample().getId();
      if (unusableTests.contains(id)) {
        continue;
      }
      Example e = testExamples.get(id);
      if (e == null) {
        Conversion c = examples.convert(l.sample(), model);
        if (!c.ok()) {
          unusableTests.add(id);
          LOG.warn("test sample {} of release {} (ingest partition {}, offset {}) is left out of evaluation: {}: {}",
              id, l.sample().getRelease(), l.partition(), l.offset(), c.reason(), c.detail());
          continue;
        }
        e = c.example();
        testExamples.put(id, e);
      }
      out.add(e);
    }
    return out;
  }

  // ---- Kafka

  /** One transaction: dead letters, the version, its evaluation and (for steps) the selections offsets. */
  private void commit(ModelVersion record, EvalResult eval, List<DeadLetter> stepDead,
      Map<TopicPartition, OffsetAndMetadata> stepOffsets) {
    String key = versionKey(record.getModel(), record.getVersion());
    List<DeadLetter> dead = new ArrayList<>(stepDead);
    dead.addAll(releaseDeadLetters);
    int releaseLetters = releaseDeadLetters.size();
    long releasesTo = releasesReadTo;
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(stepOffsets);
    if (releasesTo > releasesDeadLetteredTo) {
      offsets.put(releasesPartition(), new OffsetAndMetadata(releasesTo));
    }
    producer.beginTransaction();
    try {
      for (DeadLetter d : dead) {
        producer.send(new ProducerRecord<>(catalogue.dlq.name(), DeadLetters.key(d), d));
      }
      producer.send(new ProducerRecord<>(catalogue.models.name(), key, record));
      producer.send(new ProducerRecord<>(catalogue.evals.name(), key, eval));
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(offsets, selectionsConsumer.groupMetadata());
      }
      // commitTransaction flushes anyway; flushing first means a failure from here on leaves the records on the
      // broker as an aborted transaction rather than unsent, whichever way the sender's timing fell
      producer.flush();
      listener.onPhase(record.getVersion(), Phase.COMMITTING);
      producer.commitTransaction();
      releaseDeadLetters.subList(0, releaseLetters).clear();
      releasesDeadLetteredTo = Math.max(releasesDeadLetteredTo, releasesTo);
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

  /** The newest committed version of this model in the run's models topic, or null. */
  private ModelVersion readLatestVersion() {
    ModelVersion best = null;
    Map<Integer, ModelVersion> byVersion = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readToEnd(catalogue.models)) {
      if (r.value() == null) {
        continue;
      }
      ModelVersion v;
      try {
        v = versionReader.deserialize(r.topic(), r.value());
      } catch (RuntimeException e) {
        throwIfRegistryUnavailable(e);
        LOG.warn("unreadable record {}/{}/{} ignored: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        continue;
      }
      if (modelName.equals(v.getModel())) {
        byVersion.put(v.getVersion(), v);
      }
    }
    // versions are published in order from 0: one past a gap belongs to no step (the selector dead-letters it)
    for (int v = 0; byVersion.containsKey(v); v++) {
      best = byVersion.get(v);
    }
    return best;
  }

  private List<ConsumerRecord<byte[], byte[]>> readToEnd(Topic<?> topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = newConsumer(null, topic.logical() + "-reader")) {
      List<TopicPartition> parts = partitions(topic);
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        checkOpen();
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic.name() + " to its end within " + CATCH_UP_TIMEOUT);
        }
        consumer.poll(POLL).forEach(out::add);
      }
    }
    return out;
  }

  private void startIngest() {
    List<TopicPartition> parts = new ArrayList<>(partitions(catalogue.ingest));
    parts.addAll(partitions(catalogue.releases));
    ingestConsumer.assign(parts);
    ingestConsumer.seekToBeginning(parts);
  }

  private void startSelections() {
    KafkaConsumer<byte[], byte[]> consumer = selectionsConsumer;
    List<TopicPartition> parts = partitions(catalogue.selections);
    consumer.assign(parts);
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(parts));
    Map<Integer, Long> from = new TreeMap<>();
    for (TopicPartition tp : parts) {
      OffsetAndMetadata o = committed.get(tp);
      if (o == null) {
        consumer.seekToBeginning(List.of(tp));
        from.put(tp.partition(), 0L);
      } else {
        consumer.seek(tp, o.offset());
        from.put(tp.partition(), o.offset());
      }
    }
    LOG.info("reading {} from offsets {}", catalogue.selections.name(), from);
    OffsetAndMetadata releases = consumer.committed(Set.of(releasesPartition())).get(releasesPartition());
    releasesDeadLetteredTo = releases == null ? 0 : releases.offset();
  }

  /** The release table's single partition (its poison is reported up to an offset kept with the selections'). */
  private TopicPartition releasesPartition() {
    return new TopicPartition(catalogue.releases.name(), 0);
  }

  private void pollIngest(Duration timeout) {
    for (ConsumerRecord<byte[], byte[]> r : ingestConsumer.poll(timeout)) {
      if (r.value() == null) {
        continue;
      }
      try {
        if (r.topic().equals(catalogue.ingest.name())) {
          Object payload = ingestReader.deserialize(r.topic(), r.value()).getPayload();
          if (payload instanceof Sample s) {
            view.onSample(s, r.partition(), r.offset());
          } else if (payload instanceof SealMarker m) {
            boolean before = view.isSealed(m.getSequence());
            view.onSeal(m, r.partition());
            if (!before && view.isSealed(m.getSequence())) {
              LOG.info("release {} (sequence {}) is sealed on all {} partitions of {}", m.getRelease(),
                  m.getSequence(), m.getPartitions(), r.topic());
            }
          }
        } else {
          releasesReadTo = Math.max(releasesReadTo, r.offset() + 1);
          view.onRelease(releaseReader.deserialize(r.topic(), r.value()));
        }
      } catch (RuntimeException e) {
        throwIfRegistryUnavailable(e);
        Optional<PoisonReason> poison = PoisonReason.of(e);
        if (r.topic().equals(catalogue.releases.name()) && poison.isPresent()
            && r.offset() >= releasesDeadLetteredTo) {
          // no other service reads the release table as a stream: the trainer reports its poison, once (the
          // offset it reported up to is committed with the dead letters)
          LOG.warn("release table record {}/{}/{} goes to the dead-letter topic: {}: {}", r.topic(), r.partition(),
              r.offset(), poison.get(), e.getMessage());
          releaseDeadLetters.add(DeadLetters.of(r, SERVICE, poison.get().code(), e.getMessage()));
          continue;
        }
        // the ingest log is shared: the selector reports its bad records; the trainer only skips them
        unreadableIngestRecords++;
        LOG.warn("unreadable record {}/{}/{} skipped ({} so far): {}", r.topic(), r.partition(), r.offset(),
            unreadableIngestRecords, e.getMessage());
      }
    }
  }

  /** Reads the ingest log up to where it ends now (best effort: gives up after a while and goes on). */
  /**
   * A record unreadable because the registry is down (after the registry client waited for it,
   * {@code schema.registry.retry.max.wait.ms}) is not a bad record: skipping or dead-lettering it would lose it,
   * so the trainer stops with the cause instead; nothing of the step is committed and a restart resumes it.
   */
  private static void throwIfRegistryUnavailable(RuntimeException e) {
    if (SchemaRegistryException.isUnavailable(e)) {
      throw e;
    }
  }

  private void catchUpIngest() {
    Map<TopicPartition, Long> end = ingestConsumer.endOffsets(ingestConsumer.assignment());
    long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
    while (end.entrySet().stream().anyMatch(e -> ingestConsumer.position(e.getKey()) < e.getValue())) {
      checkOpen();
      if (System.nanoTime() > deadline) {
        LOG.warn("did not catch up with {} within {}; going on", catalogue.ingest.name(), CATCH_UP_TIMEOUT);
        return;
      }
      pollIngest(POLL);
    }
  }

  private void awaitIngest(int version, BooleanSupplier condition, String what) {
    if (condition.getAsBoolean()) {
      return;
    }
    listener.onPhase(version, Phase.WAITING_FOR_INGEST);
    LOG.info("version {}: waiting for {}", version, what);
    long lastLog = System.nanoTime();
    while (!condition.getAsBoolean()) {
      checkOpen();
      pollIngest(POLL);
      if (System.nanoTime() - lastLog > WAIT_LOG_NANOS) {
        LOG.info("version {}: still waiting for {} ({} samples read, sealed releases {})", version, what,
            view.samplesRead(), view.sealedReleases());
        lastLog = System.nanoTime();
      }
    }
  }

  private List<TopicPartition> partitions(Topic<?> topic) {
    List<TopicPartition> parts = new ArrayList<>();
    for (int p = 0; p < topic.partitions(); p++) {
      parts.add(new TopicPartition(topic.name(), p));
    }
    return parts;
  }

  private KafkaProducer<String, SpecificRecord> newProducer() {
    Map<String, Object> props = new HashMap<>(config.clientProps());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, catalogue.runScopedName(SERVICE));
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
    return new KafkaProducer<>(props, new StringSerializer(), serdes.<SpecificRecord>serializer());
  }

  private KafkaConsumer<byte[], byte[]> newConsumer(String group, String role) {
    Map<String, Object> props = new HashMap<>(config.clientProps());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + role);
    if (group == null) {
      props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    } else {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private void checkOpen() {
    if (closed) {
      throw new Stopped();
    }
  }

  private void releaseModel() {
    if (current != null) {
      current.close();
      current = null;
      currentVersion = -1;
    }
  }

  private static void closeQuietly(KafkaConsumer<?, ?> consumer) {
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
