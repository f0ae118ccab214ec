package io.adaptstream.trainer;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.Release;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.runtime.ReleaseTable;
import io.adaptstream.runtime.TopicReader;
import io.adaptstream.schemas.DeadLetters;
import io.adaptstream.schemas.PoisonReason;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.trainer.TrainerListener.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's reader of the shared ingest log and the release table: tails both from the beginning with a plain,
 * group-less consumer it is given, and feeds what it reads into an {@link IngestView} (test samples, the pretraining
 * release, seals). It also holds the release table's poison until the trainer's next transaction reports it.
 *
 * <p>Apart from {@link TrainerService} so that the loop reads as "collect, wait, make, commit", and the rules for
 * skipping, reporting and failing on unreadable records live in one place.
 */
final class IngestTail {

  private static final Logger LOG = LoggerFactory.getLogger(IngestTail.class);
  private static final long WAIT_LOG_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Consumer<byte[], byte[]> consumer;
  private final TopicCatalogue catalogue;
  private final Deserializer<IngestEvent> ingestReader;
  private final ReleaseTable releases;
  private final Runnable stopCheck;
  private final TrainerListener listener;
  private final IngestView view;
  private long unreadableRecords;
  /** Poison read from the release table, for the next transaction. */
  private final List<DeadLetter> releaseDeadLetters = new ArrayList<>();
  /** Release table offsets below this are reported already (committed in the selections consumer's group). */
  private long releasesDeadLetteredTo;
  /** The release table offset just past the last record read. */
  private long releasesReadTo;

  /**
   * @param keepPretrainSamples whether the pretraining release's train samples are needed (no version 0 yet)
   * @param stopCheck throws when the trainer is stopped; run while waiting
   */
  IngestTail(Consumer<byte[], byte[]> consumer, TopicCatalogue catalogue, AvroSerdes serdes,
      boolean keepPretrainSamples, Runnable stopCheck, TrainerListener listener) {
    this.consumer = consumer;
    this.catalogue = catalogue;
    this.ingestReader = serdes.deserializer(IngestEvent.class);
    this.releases = new ReleaseTable(serdes.deserializer(Release.class));
    this.stopCheck = stopCheck;
    this.listener = listener;
    this.view = new IngestView(keepPretrainSamples);
  }

  IngestView view() {
    return view;
  }

  /** Assigns the ingest log's and the release table's partitions, from the beginning. */
  void start() {
    List<TopicPartition> parts = new ArrayList<>(TrainerService.partitions(catalogue.ingest));
    parts.addAll(TrainerService.partitions(catalogue.releases));
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
  }

  /** Release table poison below this offset was reported by an earlier trainer of the run. */
  void releasesReportedTo(long offset) {
    releasesDeadLetteredTo = offset;
  }

  /** The release table's single partition (its poison is reported up to an offset kept with the selections'). */
  TopicPartition releasesPartition() {
    return new TopicPartition(catalogue.releases.name(), 0);
  }

  /** The release table's dead letters not reported yet, and the offset to commit with them (0 when none is due). */
  Pending pending() {
    long to = releasesReadTo > releasesDeadLetteredTo ? releasesReadTo : 0;
    return new Pending(List.copyOf(releaseDeadLetters), to);
  }

  /** {@code pending} was committed. */
  void reported(Pending pending) {
    releaseDeadLetters.subList(0, pending.deadLetters().size()).clear();
    releasesDeadLetteredTo = Math.max(releasesDeadLetteredTo, pending.offset());
  }

  /**
   * Release table poison to report in the next transaction.
   *
   * @param offset the release table offset to commit with them; 0 when there is nothing new to commit
   */
  record Pending(List<DeadLetter> deadLetters, long offset) {}

  /** Reads the ingest log up to where it ends now (best effort: gives up after a while and goes on). */
  void catchUp(Duration timeout) {
    boolean reached = TopicReader.catchUp(consumer, consumer.assignment(), timeout, () -> {
      stopCheck.run();
      poll(TrainerService.POLL);
    });
    if (!reached) {
      LOG.warn("did not catch up with {} within {}; going on", catalogue.ingest.name(), timeout);
    }
  }

  /** Reads the ingest log until {@code condition} holds, telling the listener it waits for it. */
  void await(int version, BooleanSupplier condition, String what) {
    if (condition.getAsBoolean()) {
      return;
    }
    listener.onPhase(version, Phase.WAITING_FOR_INGEST);
    LOG.info("version {}: waiting for {}", version, what);
    long lastLog = System.nanoTime();
    while (!condition.getAsBoolean()) {
      stopCheck.run();
      poll(TrainerService.POLL);
      if (System.nanoTime() - lastLog > WAIT_LOG_NANOS) {
        LOG.info("version {}: still waiting for {} ({} samples read, sealed releases {})", version, what,
            view.samplesRead(), view.sealedReleases());
        lastLog = System.nanoTime();
      }
    }
  }

  /** Reads what one poll returns into the view. */
  void poll(Duration timeout) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
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
          releases.apply(r).ifPresent(view::onRelease);
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
          releaseDeadLetters.add(DeadLetters.of(r, TrainerService.SERVICE, poison.get().code(), e.getMessage()));
          continue;
        }
        // the ingest log is shared: the selector reports its bad records; the trainer only skips them
        unreadableRecords++;
        LOG.warn("unreadable record {}/{}/{} skipped ({} so far): {}", r.topic(), r.partition(), r.offset(),
            unreadableRecords, e.getMessage());
      }
    }
  }

  /** Ingest log and release table records skipped as unreadable so far. */
  long unreadableRecords() {
    return unreadableRecords;
  }

  /**
   * A record unreadable because the registry is down (after the registry client waited for it,
   * {@code schema.registry.retry.max.wait.ms}) is not a bad record: skipping or dead-lettering it would lose it,
   * so the trainer stops with the cause instead; nothing of the step is committed and a restart resumes it.
   */
  static void throwIfRegistryUnavailable(RuntimeException e) {
    if (SchemaRegistryException.isUnavailable(e)) {
      throw e;
    }
  }
}
