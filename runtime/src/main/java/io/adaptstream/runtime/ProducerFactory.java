package io.adaptstream.runtime;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Creates a service's transactional producers. The service decides their settings (transactional id, idempotence,
 * acks); the factory decides what object sends. Production code passes {@link #KAFKA}; tests pass one that wraps the
 * real producer in {@code io.adaptstream.testing.DyingProducer}, to prove that a publisher or worker that dies
 * mid-transaction leaves its successor to write every record exactly once.
 */
@FunctionalInterface
public interface ProducerFactory {

  /** Real Kafka producers. */
  ProducerFactory KAFKA = KafkaProducer::new;

  Producer<String, SpecificRecord> create(Map<String, Object> config, Serializer<String> keySerializer,
      Serializer<SpecificRecord> valueSerializer);
}
