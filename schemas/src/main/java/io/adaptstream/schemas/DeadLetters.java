package io.adaptstream.schemas;

import io.adaptstream.avro.DeadLetter;
import java.nio.ByteBuffer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Builds {@link DeadLetter}s with the fields operators need: where the input came from and why it failed. */
public final class DeadLetters {

  private static final int MAX_DETAIL = 4000;

  private DeadLetters() {}

  /** For a Kafka record that could not be processed; keeps its raw key and value bytes. */
  public static DeadLetter of(ConsumerRecord<byte[], byte[]> record, String service, String reason, String detail) {
    return of(record.topic(), record.partition(), record.offset(), service, reason, detail, record.key(),
        record.value());
  }

  public static DeadLetter of(String sourceTopic, int partition, long offset, String service, String reason,
      String detail, byte[] key, byte[] value) {
    return DeadLetter.newBuilder()
        .setSourceTopic(sourceTopic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setService(service)
        .setReason(reason)
        .setDetail(detail == null ? "" : detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "..." : detail)
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .build();
  }

  /** The DLQ record key: where the input was, {@code topic/partition/offset}. */
  public static String key(DeadLetter dl) {
    return dl.getSourceTopic() + "/" + dl.getSourcePartition() + "/" + dl.getSourceOffset();
  }
}
