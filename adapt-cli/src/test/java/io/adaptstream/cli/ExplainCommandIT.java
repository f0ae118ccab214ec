package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SampleProvenance;
import io.adaptstream.avro.Split;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.selector.topology.StepKeys;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code adapt explain} against the real broker: a sample's ingest record and provenance records, read back. */
@ExtendWith(KafkaBrokerExtension.class)
class ExplainCommandIT {

  private static final String ID = "e".repeat(64);
  private static final String OTHER = "f".repeat(64);

  @Test
  void shouldReadTheSamplesOriginAndEveryStepOfItsRunWhenTheRunHasEnded(KafkaTestEnv kafka) throws Exception {
    // given: the sample and another one published, and the selector's records of two steps of run r7
    TopicCatalogue shared = kafka.newCatalogue();
    TopicCatalogue run = shared.withRun("r7");
    kafka.admin().createTopics(List.of(run.provenance.newTopic((short) 1))).all().get();
    long offset;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      send(producer, kafka, shared.ingest.name(), OTHER, new IngestEvent(sample(OTHER, "9")));
      offset = send(producer, kafka, shared.ingest.name(), ID, new IngestEvent(sample(ID, "17"))).offset();
      send(producer, kafka, shared.ingest.name(), ID, new IngestEvent(sample(ID, "40"))); // a later copy
      String topic = run.provenance.name();
      // as the selector partitions them: by sample id, whatever the step
      int partition = StepKeys.partitionForKey(ID, run.provenance.partitions());
      send(producer, kafka, topic, partition, StepKeys.member(2, ID), provenance(2, ID, true, null, null));
      send(producer, kafka, topic, partition, StepKeys.member(1, ID), provenance(1, ID, false, null, null));
      send(producer, kafka, topic, partition, StepKeys.member(3, ID), provenance(3, ID, false, "near-duplicate",
          OTHER));
      send(producer, kafka, topic, partition, StepKeys.member(3, OTHER), provenance(3, OTHER, true, null, null));
    }
    String[] where = {"--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url",
        kafka.schemaRegistryUrl(), "--topic-prefix", shared.prefix(), "--run", "r7"};

    // when
    CliRun json = CliRun.of(concat(new String[] {"explain", ID, "--json"}, where));
    CliRun text = CliRun.of(concat(new String[] {"explain", ID}, where));
    CliRun unknown = CliRun.of(concat(new String[] {"explain", "0".repeat(64)}, where));
    CliRun noRun = CliRun.of("explain", ID, "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url",
        kafka.schemaRegistryUrl(), "--topic-prefix", shared.prefix(), "--run", "never");

    // then
    assertThat(json.exitCode()).as(json.err()).isZero();
    JsonNode history = StatusJsonOption.JSON.readTree(json.out());
    assertThat(history.get("origin").get("offset").asLong()).isEqualTo(offset);
    assertThat(history.get("origin").get("sourceId").asText()).isEqualTo("17");
    assertThat(history.get("origin").get("partition").asInt())
        .isEqualTo(StepKeys.partitionForKey(ID, shared.ingest.partitions()));
    assertThat(history.get("steps")).hasSize(3);
    assertThat(history.get("steps").get(0).get("step").asInt()).isEqualTo(1);
    assertThat(history.get("steps").get(1).get("selected").asBoolean()).isTrue();
    assertThat(history.get("steps").get(2).get("duplicateOf").asText()).isEqualTo(OTHER);
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).contains("sample " + ID + " (run r7)", "release r1, entry 17 (train, skill colour)",
        "pruned for good: near-duplicate of " + OTHER, "left the pool for good at step 3");
    assertThat(unknown.exitCode()).isEqualTo(AdaptCli.EXIT_FAILURE);
    assertThat(unknown.out()).contains("not found in the ingest log", "never decided it in run r7");
    assertThat(noRun.exitCode()).isEqualTo(AdaptCli.EXIT_FAILURE);
    assertThat(noRun.err()).contains("topic " + shared.withRun("never").provenance.name() + " does not exist");
  }

  private static RecordMetadata send(KafkaProducer<String, byte[]> producer, KafkaTestEnv kafka, String topic,
      String key, SpecificRecord value) throws Exception {
    byte[] bytes = kafka.serdes().serializer().serialize(topic, value);
    return producer.send(new ProducerRecord<>(topic, key, bytes)).get();
  }

  private static void send(KafkaProducer<String, byte[]> producer, KafkaTestEnv kafka, String topic, int partition,
      String key, SpecificRecord value) throws Exception {
    byte[] bytes = kafka.serdes().serializer().serialize(topic, value);
    producer.send(new ProducerRecord<>(topic, partition, key, bytes)).get();
  }

  private static Sample sample(String id, String sourceId) {
    return Sample.newBuilder().setId(id).setRelease("r1").setSourceId(sourceId).setSplit(Split.TRAIN)
        .setSkill("colour").setConversations(List.of()).setImages(List.of()).build();
  }

  private static SampleProvenance provenance(int step, String id, boolean selected, String pruneReason,
      String duplicateOf) {
    return SampleProvenance.newBuilder().setStep(step).setSampleId(id).setRelease("r1").setSourceId("17")
        .setFresh(step == 1).setModel("adapt-vlm").setModelVersion(step - 1).setScores(Map.of("el2n", 0.4))
        .setCluster(1).setCentroidDistance(0.3).setClusterSize(20).setTrainBudget(4).setKeepBudget(10)
        .setScorer("el2n").setEntropies(Map.of("el2n", 3.0)).setRankedScore(0.4).setCandidate(true)
        .setCcsStratum(selected ? 1 : -1).setCcsStrata(4).setSelected(selected)
        .setSelection(selected ? "selected: CCS stratum 1 of 4 (1 of its 5 drawn)" : "not drawn")
        .setRedundancy(0.99).setNearest(OTHER).setPruned(pruneReason != null).setPruneReason(pruneReason)
        .setDuplicateOf(duplicateOf).build();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
