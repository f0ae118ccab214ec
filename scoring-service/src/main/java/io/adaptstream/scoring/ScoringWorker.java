package io.adaptstream.scoring;

import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.runtime.ProducerFactory;
import io.adaptstream.runtime.TopicReader;
import io.adaptstream.runtime.metrics.ConsumerGroupLag;
import io.adaptstream.runtime.metrics.ServiceMeters;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scoring worker: a transactional consume-transform-produce loop over the run's score requests.
 *
 * <p>Each poll is one transaction: the scores, forwarded markers and dead letters of the polled records, and the
 * consumer's offsets, are committed together with {@code sendOffsetsToTransaction(offsets, groupMetadata)}
 * (KIP-447), and the request consumer reads {@code read_committed} with auto-commit off. So a request's output
 * is visible to {@code read_committed} readers exactly when its offset is committed: a crash before the commit
 * leaves an aborted (invisible) transaction and the requests are scored again by whoever owns the partition
 * next; a zombie that lost its partitions is fenced by the group generation when it tries to commit.
 *
 * <p>Request partition p is written to scores partition p, in offset order, so a step marker stays behind
 * the scores it closes. The marker's count (score records written to p for the step since the previous
 * forwarded marker of that step) is kept per partition in {@link StepCounts} and committed as the offset's
 * metadata in the same transaction; on assignment it is restored from the committed offset, so it survives
 * crashes and rebalances and always matches the position the new owner resumes from.
 *
 * <p>Values are read as bytes and deserialised per record, so a record that cannot be read is dead-lettered
 * rather than blocking its partition.
 */
public final class ScoringWorker implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScoringWorker.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(120);

  private final ScoringConfig config;
  private final TopicCatalogue catalogue;
  private final String instanceId;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Producer<String, SpecificRecord> producer;
  private final ModelVersions modelVersions;
  private final ModelCache models;
  private final BatchProcessor processor;
  private final ScoringMetrics metrics;
  private final MeterRegistry registry;
  private final ServiceMeters meters;
  /** The clients' Kafka metrics and the group's lag, removed when the clients close. */
  private final AutoCloseable consumerMetrics;
  private final AutoCloseable producerMetrics;
  private final ConsumerGroupLag lag;
  /** Step counts of the partitions this worker owns, as of its last committed transaction. */
  private final Map<TopicPartition, StepCounts> counts = new HashMap<>();
  private final Set<TopicPartition> assignment = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean clientsClosed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile boolean started;

  /**
   * Creates the worker's clients (nothing is read or written until {@link #run()}). The caller has started
   * the engine ({@link io.adaptstream.model.DjlRuntime#init(boolean)}) and created the topics.
   */
  public ScoringWorker(ScoringConfig config, BlobStore blobs, AvroSerdes serdes, MeterRegistry registry,
      ProducerFactory producers) {
    this.config = config;
    this.catalogue = config.catalogue();
    this.instanceId = config.instanceId();
    this.registry = registry;
    this.metrics = new ScoringMetrics(registry, instanceId, config.reportInterval());
    this.consumer = new KafkaConsumer<>(requestConsumerProps(), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    Producer<String, SpecificRecord> p = null;
    KafkaConsumer<String, byte[]> modelConsumer = null;
    try {
      p = producers.create(producerProps(), new StringSerializer(), serdes.serializer());
      modelConsumer = new KafkaConsumer<>(modelConsumerProps(), new StringDeserializer(),
          new ByteArrayDeserializer());
    } catch (RuntimeException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      if (p != null) {
        p.close(Duration.ZERO);
      }
      throw e;
    }
    this.producer = p;
    this.modelVersions = new ModelVersions(modelConsumer, catalogue.models,
        serdes.deserializer(io.adaptstream.avro.ModelVersion.class), () -> closed);
    this.models = new ModelCache(modelVersions, blobs, config.learner(), config.device(), config.microBatch(), config.modelCache(),
        config.modelWait());
    this.processor = new BatchProcessor(catalogue, serdes.deserializer(ScoreRequestEvent.class), blobs, models,
        "scoring/" + instanceId);
    this.meters = new ServiceMeters(registry, ScoringConfig.SERVICE_NAME);
    this.consumerMetrics = meters.bind(consumer);
    this.producerMetrics = meters.bind(producer);
    this.lag = meters.groupLag(config.clientProps(), config.groupId());
  }

  /** Consumes, scores and commits until {@link #close()}; a fatal error ends it with an exception. */
  @Override
  public void run() {
    started = true;
    try {
      if (closed) {
        return;
      }
      producer.initTransactions();
      consumer.subscribe(List.of(catalogue.scoreRequests.name()), new Rebalance());
      LOG.info("scoring worker {} started: group {}, transactional id {}, reading {}", instanceId,
          config.groupId(), config.transactionalId(), catalogue.scoreRequests.name());
      while (!closed) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(POLL);
        } catch (WakeupException e) {
          if (closed) {
            break;
          }
          throw e;
        }
        if (records.isEmpty()) {
          metrics.maybeReport();
          continue;
        }
        processAndCommit(records);
      }
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.error("scoring worker {} failed: {}", instanceId, e.toString(), e);
        throw e;
      }
      // woken up or cancelled by close(): whatever was not committed is read again by the next owner
      LOG.info("scoring worker {} closed with a batch pending ({}); it is not committed", instanceId, e.toString());
    } catch (Error e) {
      LOG.error("scoring worker {} failed: {}", instanceId, e.toString(), e);
      throw e;
    } finally {
      closeClients();
      stopped.countDown();
      LOG.info("scoring worker {} stopped ({} scored, {} dead-lettered)", instanceId, metrics.scored(),
          metrics.deadLettered());
    }
  }

  private void processAndCommit(ConsumerRecords<byte[], byte[]> records) {
    long t0 = System.nanoTime();
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> batch = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      batch.put(tp, records.records(tp));
    }
    BatchProcessor.Result result;
    try {
      result = processor.process(batch, tp -> counts.getOrDefault(tp, StepCounts.empty()));
    } catch (BatchProcessor.RetryLater e) {
      // the registry client already waited (schema.registry.retry.max.wait.ms); the batch is retried from the
      // poll loop, not in a blocking Retry, so the worker keeps polling and stays in its group meanwhile
      LOG.warn("{} record(s) will be read again: {}", records.count(), e.getMessage());
      rewind();
      backoff();
      return;
    }
    // the transaction starts only now that the batch is scored, so it stays short
    try {
      producer.beginTransaction();
      for (ProducerRecord<String, SpecificRecord> r : result.output()) {
        producer.send(r);
      }
      producer.sendOffsetsToTransaction(result.offsets(), consumer.groupMetadata());
      producer.commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
        | UnsupportedVersionException e) {
      // another worker with this transactional id, or a broken producer: nothing to recover here
      throw new IllegalStateException("scoring worker " + instanceId + " cannot go on: " + e, e);
    } catch (KafkaException e) {
      // e.g. the group rebalanced while scoring (the commit is fenced) or a send failed: nothing was committed
      LOG.warn("transaction of {} record(s) aborted ({}); re-reading from the committed offsets", records.count(),
          e.toString());
      producer.abortTransaction();
      rewind();
      backoff();
      return;
    }
    counts.putAll(result.counts());
    metrics.committed(result, System.nanoTime() - t0);
    meters.deadLetters(result.output());
  }

  /** Seeks every owned partition back to its committed offset and restores its counts from there. */
  private void rewind() {
    Set<TopicPartition> owned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> committed = restore(owned);
    for (TopicPartition tp : owned) {
      OffsetAndMetadata om = committed.get(tp);
      if (om != null) {
        consumer.seek(tp, om);
      } else {
        consumer.seekToBeginning(List.of(tp));
      }
    }
  }

  /** Reads the committed offsets (waiting for pending transactional commits) and restores the counts. */
  private Map<TopicPartition, OffsetAndMetadata> restore(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, OffsetAndMetadata> committed;
    while (true) {
      try {
        committed = consumer.committed(new HashSet<>(partitions));
        break;
      } catch (TimeoutException e) {
        // the offsets have a pending transactional commit: a crashed worker's transaction, aborted by the
        // broker after its transaction.timeout.ms
        if (closed) {
          throw new CancellationException("closed while waiting for committed offsets");
        }
        LOG.warn("{} still waits for the committed offsets of {}: {}", instanceId, partitions, e.getMessage());
      }
    }
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata om = committed.get(tp);
      StepCounts restored = StepCounts.decode(om == null ? null : om.metadata());
      counts.put(tp, restored);
      LOG.info("{} owns {} from offset {} with open step counts {}", instanceId, tp,
          om == null ? "start" : om.offset(), restored.asMap());
    }
    return committed;
  }

  private void backoff() {
    try {
      closing.await(RETRY_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    }
  }

  /** The request partitions this worker owns now. */
  public Set<TopicPartition> assignment() {
    return Set.copyOf(assignment);
  }

  public MeterRegistry meterRegistry() {
    return registry;
  }

  public String instanceId() {
    return instanceId;
  }

  /**
   * Stops the loop after the batch in progress (which is committed, or aborted if the worker is waiting for a
   * model) and closes the clients; waits for {@link #run()} to return. Safe from any thread, more than once.
   */
  @Override
  public void close() {
    closed = true;
    closing.countDown();
    if (!started) {
      closeClients();
      return;
    }
    if (stopped.getCount() == 0) {
      return; // run() has ended (and closed the clients)
    }
    consumer.wakeup();
    try {
      if (!stopped.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("scoring worker {} did not stop within {} s", instanceId, CLOSE_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeClients() {
    if (!clientsClosed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly("the request consumer", () -> consumer.close(CloseOptions.timeout(Duration.ofSeconds(5))));
    closeQuietly("the producer", () -> producer.close(Duration.ofSeconds(5)));
    closeQuietly("the models consumer", modelVersions::close);
    closeQuietly("the model cache", models::close);
    ServiceMeters.closeQuietly(consumerMetrics);
    ServiceMeters.closeQuietly(producerMetrics);
    closeQuietly("the lag gauge", lag::close);
  }

  private static void closeQuietly(String what, Runnable close) {
    try {
      close.run();
    } catch (RuntimeException e) {
      LOG.warn("could not close {}: {}", what, e.toString());
    }
  }

  private Map<String, Object> requestConsumerProps() {
    Map<String, Object> p = new HashMap<>(config.clientProps());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-requests");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    // a batch may wait for a model version before it is scored: stay in the group meanwhile
    p.putIfAbsent(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        (int) Math.max(300_000L, config.modelWait().toMillis() + 240_000L));
    return p;
  }

  private Map<String, Object> modelConsumerProps() {
    Map<String, Object> p = TopicReader.readerProps(config.clientProps());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-models");
    return p;
  }

  private Map<String, Object> producerProps() {
    Map<String, Object> p = new HashMap<>(config.clientProps());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, config.transactionalId());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // a transaction spans only the sends and the commit of a scored batch (milliseconds), so the broker may
    // abort a crashed worker's open transaction early; until it does, the partitions' next owner waits
    p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000);
    return p;
  }

  /**
   * Keeps the counts in step with ownership. Rebalances run inside {@code poll()}, between transactions, so
   * nothing is uncommitted when partitions come or go.
   */
  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      partitions.forEach(counts::remove);
      assignment.removeAll(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      restore(partitions);
      assignment.addAll(partitions);
    }
  }
}
