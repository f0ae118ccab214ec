package io.adaptstream.ingest;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.Release;
import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.avro.ReleaseStatus;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.avro.Split;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.blob.Sha256;
import io.adaptstream.runtime.ProducerFactory;
import io.adaptstream.runtime.ReadIncompleteException;
import io.adaptstream.runtime.ReleaseTable;
import io.adaptstream.runtime.TopicAdmin;
import io.adaptstream.runtime.TopicReader;
import io.adaptstream.schemas.Backoff;
import io.adaptstream.schemas.DeadLetters;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.schemas.serde.ConfluentAvroDeserializer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one dataset file as a release on {@code adapt.ingest}: exactly once, resumable, and sealed with a
 * sequence number.
 *
 * <p>How it stays exactly once:
 * <ol>
 *   <li>Data goes through a transactional producer whose id is derived from the release name, so starting a
 *       publish of a release fences any earlier publisher of it (a zombie) and aborts what it left open.</li>
 *   <li>The first transaction writes an OPEN release record holding the end offsets of {@code ingest} and
 *       {@code dlq}. Samples and dead letters then follow in committed chunks.</li>
 *   <li>A publish that finds its release OPEN (an earlier attempt crashed) re-reads, read_committed, what was
 *       committed since those offsets, and skips those sample ids and dead-lettered entries. Sample ids are
 *       content hashes, so the same file yields the same ids in the same order.</li>
 *   <li>Sealing happens in one transaction of a single sequencer transactional id shared by all publishers:
 *       it reads the release table after fencing older sealers, so sequence numbers never collide, and it
 *       writes a {@link SealMarker} to every ingest partition with the release's sample count there plus the
 *       SEALED release record.</li>
 * </ol>
 *
 * <p>Images are validated and stored in the blob store before the chunk's transaction begins, so transactions
 * stay short whatever the images cost. Not thread-safe: one publish at a time ({@link #publish} is
 * synchronized).
 */
public final class IngestJob implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);
  static final String SERVICE = "ingest";
  /** The most raw entry bytes a dead letter carries. */
  static final int MAX_DLQ_VALUE_BYTES = 64 * 1024;

  private final IngestConfig config;
  private final BlobStore blobs;
  private final ProducerFactory producers;
  private final TopicCatalogue catalogue;
  private final AvroSerdes serdes;
  private final Admin admin;
  private final TopicReader reader;
  private final ValidationLimits limits;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private boolean topicsReady;

  public IngestJob(IngestConfig config, BlobStore blobs) {
    this(config, blobs, ProducerFactory.KAFKA);
  }

  /**
   * @param producers creates the transactional producers (data and sequencer); {@link ProducerFactory#KAFKA}
   *     for real ones
   */
  public IngestJob(IngestConfig config, BlobStore blobs, ProducerFactory producers) {
    this.config = config;
    this.blobs = blobs;
    this.producers = producers;
    this.catalogue = config.catalogue();
    this.serdes = config.serdes();
    this.limits = config.limits();
    this.admin = Admin.create(config.clientProps());
    this.reader = new TopicReader(config.clientProps(), admin, config.readTimeout());
  }

  public TopicCatalogue catalogue() {
    return catalogue;
  }

  /**
   * Publishes a dataset file as a release, or resumes an interrupted publish of the same file.
   *
   * @return the counts; {@code alreadySealed} when the same file was sealed under this name before (nothing is
   *     written then)
   * @throws PublishRefusedException when the name is taken by other content or another role, for a second
   *     pretraining release, or when the file cannot be read
   * @throws IngestException when publishing fails midway; publishing again resumes it
   */
  public synchronized IngestResult publish(PublishRequest request, IngestListener listener) {
    IngestListener progress = listener == null ? IngestListener.NONE : listener;
    checkCancelled();
    ensureTopics();
    String name = request.release();
    Path file = request.file();
    long totalBytes = fileSize(file);
    progress.started(name, totalBytes);
    String fingerprint = fingerprint(file);

    Map<String, Release> before = releaseTable();
    Release existing = before.get(name);
    if (existing != null && existing.getStatus() == ReleaseStatus.SEALED) {
      return alreadySealed(existing, request, fingerprint, progress);
    }
    refuseSecondPretrain(before, request);

    Release open;
    Tally tally;
    try (Producer<String, SpecificRecord> producer = producer("ingest." + name)) {
      // fences an earlier publisher of this release and aborts whatever it left open, before anything is read
      producer.initTransactions();
      Map<String, Release> table = releaseTable();
      existing = table.get(name);
      if (existing != null && existing.getStatus() == ReleaseStatus.SEALED) {
        return alreadySealed(existing, request, fingerprint, progress);
      }
      Committed committed;
      if (existing == null) {
        open = Release.newBuilder()
            .setName(name)
            .setStatus(ReleaseStatus.OPEN)
            .setRole(request.role())
            .setSequence(-1)
            .setFingerprint(fingerprint)
            .setStartOffsets(endOffsets(catalogue.ingest))
            .setDlqStartOffsets(endOffsets(catalogue.dlq))
            .build();
        Chunk first = new Chunk();
        first.add(new ProducerRecord<>(catalogue.releases.name(), name, open), false);
        commit(producer, first, null, name);
        committed = new Committed(catalogue.ingest.partitions());
        LOG.info("publishing release {} ({}, {} bytes) from {}", name, request.role(), totalBytes, file);
      } else {
        checkSameContent(existing, request, fingerprint);
        open = existing;
        committed = readCommitted(existing);
        LOG.info("resuming release {}: {} samples and {} dead letters were committed before", name,
            committed.ids.size(), committed.deadLettered.size());
      }
      tally = publishEntries(request, producer, committed, totalBytes, progress);
    }
    if (!tally.fingerprint.equals(fingerprint)) {
      throw new IngestException("the file " + file + " changed while it was published (sha256 " + fingerprint
          + " before, " + tally.fingerprint + " after); publish it again once it is stable");
    }
    Sealed sealed = seal(open, tally);
    IngestResult result = IngestResult.of(sealed.release, sealed.byOther);
    LOG.info("release {} sealed with sequence {}: {}", name, result.sequence(), result.toJson());
    progress.finished(result);
    return result;
  }

  /** Makes a running {@link #publish} stop at its next entry with an {@link IngestCancelledException}. */
  public void cancel() {
    cancelled.set(true);
  }

  @Override
  public void close() {
    cancel();
    synchronized (this) {
      admin.close();
    }
  }

  // ---------------------------------------------------------------- the entries

  private Tally publishEntries(PublishRequest request, Producer<String, SpecificRecord> producer,
      Committed committed, long totalBytes, IngestListener progress) {
    String name = request.release();
    String source = "file:" + request.file().getFileName();
    Tally tally = new Tally(committed.partitionCounts);
    EntryProcessor processor = new EntryProcessor(name, limits, request.imageRoot(), blobs, committed.ids);
    Chunk chunk = new Chunk();
    MessageDigest digest = Sha256.newDigest();
    try (CountingInputStream in = new CountingInputStream(
        new DigestInputStream(Files.newInputStream(request.file()), digest))) {
      EntrySource entries = EntrySource.of(request.format(), in, limits.maxEntryBytes());
      long done = 0;
      for (RawEntry entry = entries.next(); entry != null; entry = entries.next()) {
        checkCancelled();
        done++;
        String earlier = committed.deadLettered.get(entry.index());
        if (earlier != null) {
          tally.reject(earlier); // dead-lettered and committed by an earlier attempt
        } else {
          EntryProcessor.Result result = processor.process(entry);
          if (result instanceof EntryProcessor.Accepted a) {
            tally.accept(a.sample().getSplit());
            if (!a.committedBefore()) {
              chunk.add(new ProducerRecord<>(catalogue.ingest.name(), a.sample().getId(),
                  IngestEvent.newBuilder().setPayload(a.sample()).build()), true);
            }
          } else if (result instanceof EntryProcessor.Rejected r) {
            tally.reject(r.rejection().reason().code());
            chunk.add(new ProducerRecord<>(catalogue.dlq.name(), dlqKey(name, entry.index()),
                deadLetter(source, entry, r.rejection())), false);
          } else {
            tally.duplicates++;
          }
        }
        if (chunk.size() >= config.transactionSamples()) {
          commit(producer, chunk, tally, name);
        }
        progress.progress(in.count(), totalBytes, done);
      }
      commit(producer, chunk, tally, name);
      in.transferTo(OutputStream.nullOutputStream()); // the fingerprint covers every byte
    } catch (IOException e) {
      throw new IngestException("cannot read " + request.file() + ": " + e.getMessage(), e);
    }
    tally.fingerprint = Sha256.hex(digest);
    return tally;
  }

  static String dlqKey(String release, long index) {
    return "ingest:" + release + "/" + index;
  }

  private static DeadLetter deadLetter(String source, RawEntry entry, Rejection rejection) {
    byte[] raw = entry.bytes();
    byte[] value = raw.length > MAX_DLQ_VALUE_BYTES ? Arrays.copyOf(raw, MAX_DLQ_VALUE_BYTES) : raw;
    return DeadLetters.of(source, -1, entry.index(), SERVICE, rejection.reason().code(), rejection.detail(), null,
        value);
  }

  // ---------------------------------------------------------------- transactions

  /** Sends a chunk in one transaction and, once committed, counts its samples per partition. */
  private void commit(Producer<String, SpecificRecord> producer, Chunk chunk, Tally tally, String release) {
    if (chunk.size() == 0) {
      return;
    }
    List<Future<RecordMetadata>> sampleFutures = new ArrayList<>();
    try {
      producer.beginTransaction();
      for (int i = 0; i < chunk.records.size(); i++) {
        Future<RecordMetadata> f = producer.send(chunk.records.get(i));
        if (chunk.isSample.get(i)) {
          sampleFutures.add(f);
        }
      }
      producer.commitTransaction();
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      throw new IngestException("another publisher of release " + release + " took over; this one stops", e);
    } catch (RuntimeException e) {
      try {
        producer.abortTransaction();
      } catch (RuntimeException abortFailure) {
        e.addSuppressed(abortFailure);
      }
      throw new IngestException("publishing release " + release + " failed: " + e.getMessage()
          + "; committed chunks are kept and publishing again resumes", e);
    }
    if (tally != null) {
      for (Future<RecordMetadata> f : sampleFutures) {
        tally.partitionCounts[metadata(f).partition()]++;
      }
    }
    chunk.clear();
  }

  private static RecordMetadata metadata(Future<RecordMetadata> f) {
    try {
      return f.get(); // complete: the transaction committed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IngestException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IngestException("a committed send reports a failure: " + e.getCause(), e);
    }
  }

  /**
   * Seals the release under the sequencer's transactional id: fence older sealers, read the table, assign the
   * sequence, write a marker to every partition and the SEALED record, all in one transaction.
   */
  private Sealed seal(Release open, Tally tally) {
    String name = open.getName();
    try {
      return sealBackoff().call("sealing release " + name, IngestJob::fenced, LOG, () -> sealOnce(open, tally));
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      throw new IngestException("could not seal release " + name + " after " + config.sealAttempts()
          + " attempts: concurrent sealers kept fencing it; publishing again finishes it", e);
    } catch (IngestException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IngestException("sealing release " + name + " failed: " + e.getMessage()
          + "; its samples are committed and publishing again seals it", e);
    }
  }

  /** Concurrent sealers fence each other for a moment: back off briefly, {@value IngestConfig#SEAL_ATTEMPTS}. */
  private Backoff sealBackoff() {
    return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), config.sealAttempts());
  }

  private static boolean fenced(Throwable e) {
    return e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException;
  }

  private Sealed sealOnce(Release open, Tally tally) {
    String name = open.getName();
    try (Producer<String, SpecificRecord> producer = producer("ingest.sequencer")) {
      producer.initTransactions();
      Map<String, Release> table = releaseTable();
      Release current = table.get(name);
      if (current == null || !current.getFingerprint().equals(open.getFingerprint())) {
        throw new IngestException("the release record of " + name + " changed while it was published");
      }
      if (current.getStatus() == ReleaseStatus.SEALED) {
        return new Sealed(current, true); // a concurrent publisher of the same file sealed it
      }
      int sequence = sequenceFor(name, open.getRole(), table);
      int partitions = catalogue.ingest.partitions();
      List<Long> counts = new ArrayList<>(partitions);
      for (long c : tally.partitionCounts) {
        counts.add(c);
      }
      Release sealed = Release.newBuilder(open)
          .setStatus(ReleaseStatus.SEALED)
          .setSequence(sequence)
          .setPartitionCounts(counts)
          .setAccepted(tally.accepted)
          .setDuplicates(tally.duplicates)
          .setRejected(new HashMap<>(tally.rejected))
          .setTrainCount(tally.train)
          .setTestCount(tally.test)
          .build();
      producer.beginTransaction();
      try {
        for (int p = 0; p < partitions; p++) {
          SealMarker marker = SealMarker.newBuilder().setRelease(name).setSequence(sequence).setPartition(p)
              .setCount(tally.partitionCounts[p]).setPartitions(partitions).build();
          producer.send(new ProducerRecord<>(catalogue.ingest.name(), p, "seal/" + name,
              IngestEvent.newBuilder().setPayload(marker).build()));
        }
        producer.send(new ProducerRecord<>(catalogue.releases.name(), name, sealed));
        producer.commitTransaction();
      } catch (ProducerFencedException | InvalidProducerEpochException e) {
        throw e; // the producer may not abort; the sealer that fenced it takes over
      } catch (RuntimeException e) {
        try {
          producer.abortTransaction();
        } catch (RuntimeException abortFailure) {
          e.addSuppressed(abortFailure);
        }
        throw e;
      }
      return new Sealed(sealed, false);
    }
  }

  private static int sequenceFor(String name, ReleaseRole role, Map<String, Release> table) {
    if (role == ReleaseRole.PRETRAIN) {
      for (Release r : table.values()) {
        if (r.getRole() == ReleaseRole.PRETRAIN && r.getStatus() == ReleaseStatus.SEALED
            && !r.getName().equals(name)) {
          throw new PublishRefusedException("release " + r.getName() + " is already the pretraining release; "
              + "there can be only one (publish " + name + " as a TASK release or under a new deployment prefix)");
        }
      }
      return 0;
    }
    int sealedTasks = 0;
    for (Release r : table.values()) {
      if (r.getRole() == ReleaseRole.TASK && r.getStatus() == ReleaseStatus.SEALED && !r.getName().equals(name)) {
        sealedTasks++;
      }
    }
    return 1 + sealedTasks;
  }

  // ---------------------------------------------------------------- reading state

  private Map<String, Release> releaseTable() {
    try {
      return ReleaseTable.read(reader, catalogue.releases, serdes.deserializer(Release.class)).releases();
    } catch (RuntimeException e) {
      rethrowIfRegistryUnavailable(e, "reading the release table");
      throw e;
    }
  }

  private List<Long> endOffsets(Topic<?> topic) {
    try {
      return reader.endOffsets(topic.name(), topic.partitions());
    } catch (ReadIncompleteException e) {
      throw new IngestException(e.getMessage(), e);
    }
  }

  /** What an earlier attempt of this release committed: sample ids, per-partition counts, dead letters. */
  private Committed readCommitted(Release open) {
    try {
      return readCommittedSince(open);
    } catch (ReadIncompleteException e) {
      throw new IngestException(e.getMessage(), e);
    }
  }

  private Committed readCommittedSince(Release open) {
    String name = open.getName();
    Committed committed = new Committed(catalogue.ingest.partitions());
    ConfluentAvroDeserializer<IngestEvent> events = serdes.deserializer(IngestEvent.class);
    reader.read(catalogue.ingest.name(), catalogue.ingest.partitions(), open.getStartOffsets(), r -> {
      if (r.value() == null) {
        return;
      }
      try {
        if (events.deserialize(r.topic(), r.value()).getPayload() instanceof Sample s && name.equals(s.getRelease())
            && committed.ids.add(s.getId())) {
          committed.partitionCounts[r.partition()]++;
        }
      } catch (RuntimeException e) {
        rethrowIfRegistryUnavailable(e, "re-reading what an earlier publish of " + name + " committed");
        LOG.warn("ignoring an unreadable ingest record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
            e.getMessage());
      }
    });
    ConfluentAvroDeserializer<DeadLetter> letters = serdes.deserializer(DeadLetter.class);
    String prefix = dlqKey(name, 0).substring(0, dlqKey(name, 0).length() - 1);
    reader.read(catalogue.dlq.name(), catalogue.dlq.partitions(), open.getDlqStartOffsets(), r -> {
      if (r.key() == null || !r.key().startsWith(prefix) || r.value() == null) {
        return;
      }
      try {
        long index = Long.parseLong(r.key().substring(prefix.length()));
        committed.deadLettered.put(index, letters.deserialize(r.topic(), r.value()).getReason());
      } catch (RuntimeException e) {
        rethrowIfRegistryUnavailable(e, "re-reading the dead letters an earlier publish of " + name + " committed");
        LOG.warn("ignoring an unreadable dead letter at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
            e.getMessage());
      }
    });
    return committed;
  }

  /**
   * A record that cannot be read because the registry is down is not unreadable: skipping it would make a
   * committed release or sample look absent (and be written twice), so the publish stops instead.
   */
  private static void rethrowIfRegistryUnavailable(RuntimeException e, String doing) {
    if (e instanceof ReadIncompleteException) {
      throw new IngestException(e.getMessage(), e);
    }
    if (SchemaRegistryException.isUnavailable(e)) {
      throw new IngestException(doing + " failed: " + e.getMessage() + "; publishing again resumes", e);
    }
  }

  // ---------------------------------------------------------------- checks

  private IngestResult alreadySealed(Release existing, PublishRequest request, String fingerprint,
      IngestListener progress) {
    checkSameContent(existing, request, fingerprint);
    IngestResult result = IngestResult.of(existing, true);
    LOG.info("release {} was already sealed with the same content (sequence {}); nothing to do",
        existing.getName(), existing.getSequence());
    progress.finished(result);
    return result;
  }

  private static void checkSameContent(Release existing, PublishRequest request, String fingerprint) {
    if (!existing.getFingerprint().equals(fingerprint)) {
      throw new PublishRefusedException("release " + request.release() + " was already published from a different "
          + "file (sha256 " + existing.getFingerprint() + ", this file " + fingerprint
          + "); publish the new content under a new release name");
    }
    if (existing.getRole() != request.role()) {
      throw new PublishRefusedException("release " + request.release() + " was published as " + existing.getRole()
          + ", not " + request.role());
    }
  }

  private static void refuseSecondPretrain(Map<String, Release> table, PublishRequest request) {
    if (request.role() == ReleaseRole.PRETRAIN) {
      sequenceFor(request.release(), ReleaseRole.PRETRAIN, table);
    }
  }

  private void checkCancelled() {
    if (cancelled.get()) {
      throw new IngestCancelledException("the ingest job was closed; publishing again resumes");
    }
  }

  private synchronized void ensureTopics() {
    if (!topicsReady) {
      TopicAdmin.ensure(admin, List.of(catalogue.ingest, catalogue.releases, catalogue.dlq),
          config.replicationFactor());
      topicsReady = true;
    }
  }

  private Producer<String, SpecificRecord> producer(String what) {
    String transactionalId = catalogue.runScopedName(what);
    Map<String, Object> props = new HashMap<>(config.clientProps());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
    return producers.create(props, new StringSerializer(), serdes.serializer());
  }

  private static long fileSize(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new PublishRefusedException("no dataset file at " + file);
    }
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new PublishRefusedException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** sha256 of the file's bytes, streamed. */
  static String fingerprint(Path file) {
    MessageDigest digest = Sha256.newDigest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new PublishRefusedException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return Sha256.hex(digest);
  }

  // ---------------------------------------------------------------- small state holders

  /** Records of one transaction, and which of them are samples (whose partitions are counted). */
  private static final class Chunk {
    final List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();
    final List<Boolean> isSample = new ArrayList<>();

    void add(ProducerRecord<String, ? extends SpecificRecord> record, boolean sample) {
      records.add(new ProducerRecord<>(record.topic(), record.partition(), record.key(), record.value()));
      isSample.add(sample);
    }

    int size() {
      return records.size();
    }

    void clear() {
      records.clear();
      isSample.clear();
    }
  }

  /** What earlier attempts committed. */
  private static final class Committed {
    final DigestSet ids = new DigestSet();
    final Map<Long, String> deadLettered = new HashMap<>();
    final long[] partitionCounts;

    Committed(int partitions) {
      partitionCounts = new long[partitions];
    }
  }

  /** The release's counts as the file is walked. */
  private static final class Tally {
    long accepted;
    long duplicates;
    long train;
    long test;
    final Map<String, Long> rejected = new TreeMap<>();
    final long[] partitionCounts;
    String fingerprint;

    Tally(long[] committedCounts) {
      partitionCounts = committedCounts.clone();
    }

    void accept(Split split) {
      accepted++;
      if (split == Split.TEST) {
        test++;
      } else {
        train++;
      }
    }

    void reject(String reason) {
      rejected.merge(reason, 1L, Long::sum);
    }
  }

  private record Sealed(Release release, boolean byOther) {}

  /** Counts the bytes read, for progress. */
  private static final class CountingInputStream extends FilterInputStream {
    private long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    long count() {
      return count;
    }
  }
}
