package io.adaptstream.selector.topology;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.schemas.DeadLetters;
import io.adaptstream.schemas.PoisonReason;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the selector's processors have in common: raw bytes in, decoded here so that a record that cannot be
 * read becomes a {@link DeadLetter} (with the topic, partition and offset it came from) instead of stopping the
 * task, and typed records out to named children.
 */
abstract class StepProcessor implements Processor<String, byte[], String, SpecificRecord> {

  private static final Logger LOG = LoggerFactory.getLogger(StepProcessor.class);

  /** Why a record was dead-lettered, as a short machine-readable code; the poison codes are shared. */
  static final String UNDESERIALISABLE = PoisonReason.UNDESERIALISABLE.code();
  static final String UNKNOWN_SCHEMA = PoisonReason.UNKNOWN_SCHEMA.code();
  static final String UNKNOWN_STEP = PoisonReason.UNKNOWN_STEP.code();
  static final String WRONG_STEP = "wrong_step";
  static final String UNKNOWN_SAMPLE = "unknown_sample";
  static final String DUPLICATE = "duplicate";
  static final String LATE = "late";
  static final String MISROUTED = "misrouted";
  static final String BAD_SCORES = "bad_scores";
  static final String UNEXPECTED = "unexpected_record";

  /** A record this processor refuses; it goes to the dead-letter topic. */
  static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;
    final String reason;

    Rejected(String reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }

  protected final SelectorContext sc;
  private final String dlqChild;
  protected ProcessorContext<String, SpecificRecord> context;

  StepProcessor(SelectorContext sc, String dlqChild) {
    this.sc = sc;
    this.dlqChild = dlqChild;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
  }

  /** This task's partition of its input topics. */
  protected int partition() {
    return context.taskId().partition();
  }

  protected long now() {
    return context.currentSystemTimeMs();
  }

  /** The input topic of the record being processed. */
  protected String inputTopic() {
    return context.recordMetadata().map(RecordMetadata::topic).orElse("");
  }

  protected <T> T decode(Deserializer<T> deserializer, Record<String, byte[]> record) throws Rejected {
    if (record.value() == null) {
      throw new Rejected(UNDESERIALISABLE, "null value");
    }
    try {
      T value = deserializer.deserialize(inputTopic(), record.value());
      if (value == null) {
        throw new Rejected(UNDESERIALISABLE, "no value");
      }
      return value;
    } catch (RuntimeException e) {
      // a registry that cannot be asked is no fault of the record: fail the task (it is read again), never drop it
      PoisonReason reason = PoisonReason.of(e).orElseThrow(() -> e);
      throw new Rejected(reason.code(), e.getMessage());
    }
  }

  /** Sends the record being processed to the dead-letter topic. */
  protected void deadLetter(Record<String, byte[]> record, Rejected why) {
    deadLetter(record, why.reason, why.getMessage());
  }

  protected void deadLetter(Record<String, byte[]> record, String reason, String detail) {
    RecordMetadata meta = context.recordMetadata().orElse(null);
    String topic = meta == null ? "" : meta.topic();
    int partition = meta == null ? -1 : meta.partition();
    long offset = meta == null ? -1 : meta.offset();
    DeadLetter dl = DeadLetters.of(topic, partition, offset, SelectorContext.SERVICE, reason, detail,
        record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), record.value());
    LOG.warn("dead letter from {}-{}@{}: {} ({})", topic, partition, offset, reason, detail);
    context.forward(new Record<>(DeadLetters.key(dl), dl, record.timestamp()), dlqChild);
    sc.metrics.deadLetter(reason);
  }

  /**
   * Asks Kafka Streams to commit once this record is processed: what was just sent closes a phase of a step, and
   * under exactly_once_v2 the next hop sees it only after a commit. So a step's hops do not wait for the commit
   * interval, which can then be sized for the bulk of the records (scores, samples, members).
   */
  protected void commitSoon() {
    context.commit();
  }

  /** Forwards a keyed record to a child. */
  protected void send(String child, String key, SpecificRecord value, long timestamp) {
    context.forward(new Record<>(key, value, timestamp), child);
  }
}
