package io.adaptstream.scoring;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Creates a worker's transactional producer. The worker decides its settings (transactional id, idempotence);
 * the factory decides what object sends. Tests inject a producer that dies before a commit to prove a crashed
 * worker's successor writes every score exactly once.
 */
@FunctionalInterface
public interface ProducerFactory {

  /** Real Kafka producers. */
  ProducerFactory KAFKA = KafkaProducer::new;

  Producer<String, SpecificRecord> create(Map<String, Object> config, Serializer<String> keySerializer,
      Serializer<SpecificRecord> valueSerializer);
}
