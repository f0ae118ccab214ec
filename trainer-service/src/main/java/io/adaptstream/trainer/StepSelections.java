package io.adaptstream.trainer;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.Selection;
import io.adaptstream.avro.SelectionEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.schemas.DeadLetters;
import io.adaptstream.schemas.PoisonReason;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.trainer.StepAssembler.Verdict;
import io.adaptstream.trainer.TrainerListener.Phase;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's reader of the run's {@code selections} topic: reads, from the offsets committed with the last
 * published version, until a step is complete on every partition ({@link StepAssembler}), and says which offsets
 * consume it. The consumer it is given is assigned, not subscribed (a step's training can outlast any group
 * session); its group only holds the offsets the trainer's transactions commit.
 *
 * <p>Apart from {@link TrainerService} so that the loop reads as "collect, wait, make, commit", and a step's
 * barrier and dead letters are decided in one place.
 */
final class StepSelections {

  private static final Logger LOG = LoggerFactory.getLogger(StepSelections.class);
  private static final long WAIT_LOG_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Consumer<byte[], byte[]> consumer;
  private final TopicCatalogue catalogue;
  private final Deserializer<SelectionEvent> reader;
  private final Runnable stopCheck;
  private final TrainerListener listener;

  /** @param stopCheck throws when the trainer is stopped; run while collecting */
  StepSelections(Consumer<byte[], byte[]> consumer, TopicCatalogue catalogue, AvroSerdes serdes,
      Runnable stopCheck, TrainerListener listener) {
    this.consumer = consumer;
    this.catalogue = catalogue;
    this.reader = serdes.deserializer(SelectionEvent.class);
    this.stopCheck = stopCheck;
    this.listener = listener;
  }

  /**
   * Assigns every selections partition at its committed offset (the beginning when none).
   *
   * @return the offset committed in the same group for {@code extra} (0 when none)
   */
  long start(TopicPartition extra) {
    List<TopicPartition> parts = TrainerService.partitions(catalogue.selections);
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
    OffsetAndMetadata other = consumer.committed(Set.of(extra)).get(extra);
    return other == null ? 0 : other.offset();
  }

  /** The group whose offsets a transaction commits. */
  ConsumerGroupMetadata groupMetadata() {
    return consumer.groupMetadata();
  }

  /**
   * Reads selections until step {@code step} is complete on every partition; between polls, {@code between} runs
   * (the ingest log is read on). Unreadable records and those the barrier rejects are added to {@code dead}.
   */
  StepAssembler<ConsumerRecord<byte[], byte[]>> collect(int step, List<DeadLetter> dead, Runnable between) {
    listener.onPhase(step, Phase.COLLECTING);
    StepAssembler<ConsumerRecord<byte[], byte[]>> assembler =
        new StepAssembler<>(step, catalogue.selections.partitions());
    LOG.info("step {}: waiting for its selections on {}", step, catalogue.selections.name());
    long lastLog = System.nanoTime();
    while (!assembler.isComplete()) {
      stopCheck.run();
      ConsumerRecords<byte[], byte[]> records = consumer.poll(TrainerService.POLL);
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
      between.run();
      if (System.nanoTime() - lastLog > WAIT_LOG_NANOS) {
        LOG.info("step {}: still collecting selections: {}", step, assembler.progress());
        lastLog = System.nanoTime();
      }
    }
    LOG.info("step {}: selections complete on all {} partitions: {} samples, {} dead letters ({})", step,
        assembler.partitions(), assembler.selections().size(), dead.size(), assembler.progress());
    return assembler;
  }

  /** The offsets just past a complete step's last markers: committing them consumes the step. */
  Map<TopicPartition, OffsetAndMetadata> offsetsPast(StepAssembler<?> assembler) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new TreeMap<>(
        (a, b) -> Integer.compare(a.partition(), b.partition()));
    for (int p = 0; p < assembler.partitions(); p++) {
      offsets.put(new TopicPartition(catalogue.selections.name(), p),
          new OffsetAndMetadata(assembler.nextOffset(p), "step " + assembler.step()));
    }
    return offsets;
  }

  /** Reads every partition again (after a step is published: the next step's records follow). */
  void resume() {
    consumer.resume(consumer.paused());
  }

  private void offer(StepAssembler<ConsumerRecord<byte[], byte[]>> assembler, ConsumerRecord<byte[], byte[]> r,
      List<DeadLetter> dead) {
    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    SelectionEvent event = null;
    String problem = "no value (a tombstone)";
    PoisonReason poison = PoisonReason.UNDESERIALISABLE;
    if (r.value() != null) {
      try {
        event = reader.deserialize(r.topic(), r.value());
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
        dead.add(DeadLetters.of(r, TrainerService.SERVICE, verdict.reason(), verdict.detail()));
      }
      case SKIPPED -> LOG.debug("step {}: skipped {}/{}/{}: {}", assembler.step(), r.topic(), r.partition(),
          r.offset(), verdict.detail());
      default -> {
        // a selection or marker of the step: the assembler has it
      }
    }
  }
}
