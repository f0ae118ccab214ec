package io.adaptstream.ingest;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Creates the job's transactional producers. The job decides their settings (transactional id, idempotence);
 * the factory decides what object sends. Tests inject a producer that dies halfway to prove a crashed publish
 * resumes exactly once.
 */
@FunctionalInterface
public interface ProducerFactory {

  /** Real Kafka producers. */
  ProducerFactory KAFKA = KafkaProducer::new;

  Producer<String, SpecificRecord> create(Map<String, Object> config, Serializer<String> keySerializer,
      Serializer<SpecificRecord> valueSerializer);
}
