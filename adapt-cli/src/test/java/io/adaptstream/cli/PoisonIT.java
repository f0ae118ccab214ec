package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.Release;
import io.adaptstream.avro.Sample;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.run.demo.DemoData;
import io.adaptstream.cli.run.demo.DemoJob;
import io.adaptstream.cli.run.demo.DemoResult;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.runtime.ReleaseTable;
import io.adaptstream.schemas.DeadLetters;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.testing.KafkaBrokerExtension;
import io.adaptstream.testing.KafkaTestEnv;
import io.adaptstream.testing.PoisonBytes;
import io.adaptstream.testing.PoisonRecords;
import io.adaptstream.trainer.TrainerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison on every topic a service of the pipeline reads, injected as a run starts: undeserialisable bytes (JSON,
 * a value shorter than the wire format's header), a schema id the registry does not have, and well-formed
 * records of a step that does not exist. Each must become exactly one dead letter naming the topic, partition and
 * offset it came from, and the run must end as the same run without poison: the same selections and models.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PoisonIT {

  private static final Duration READ = Duration.ofSeconds(30);

  @Test
  void shouldDeadLetterEachPoisonRecordOnceAndEndAsACleanRunWhenPoisonHitsEveryTopicTheServicesRead(
      KafkaTestEnv kafka, @TempDir Path tmp) throws Exception {
    // given a clean run, which also publishes the releases
    Deployment deployment = new Deployment(kafka.bootstrapServers(), kafka.schemaRegistryUrl(),
        kafka.newCatalogue().prefix(), 3, (short) 1, tmp.resolve("blobs"));
    DemoData data = TinyRun.data(tmp.resolve("data"), 2, 24, 4);
    PipelineSettings clean = new PipelineSettings("clean", "adapt", 5, true, TinyRun.overrides());
    DemoResult reference = new DemoJob(ServiceLauncher.defaults(), deployment, clean, data, tmp.resolve("clean"),
        line -> System.out.println("[clean] " + line)).run();
    int cleanLetters = deadLetters(kafka, deployment).size();
    Sample sample = kafka.readAll(deployment.catalogue("clean").ingest, READ).stream()
        .map(r -> r.value().getPayload()).filter(Sample.class::isInstance).map(Sample.class::cast).findFirst()
        .orElseThrow();

    // when a second run over the same log gets poison on every topic its services read, as they start
    PipelineSettings poisoned = clean.withRun("poisoned");
    TopicCatalogue cat = deployment.catalogue("poisoned");
    String model = poisoned.value(TrainerConfig.MODEL_NAME);
    Map<String, String> expected = new LinkedHashMap<>(); // topic/partition/offset -> reason
    DemoResult result = new DemoJob(ServiceLauncher.defaults(), deployment, poisoned, data.asPublished(),
        tmp.resolve("poisoned"), line -> System.out.println("[poisoned] " + line))
        .onServicesStarted((name, services) -> inject(kafka, deployment, cat, sample, model, expected)).run();

    // then every poison record has exactly one dead letter, with where it came from and why
    List<DeadLetter> letters = deadLetters(kafka, deployment);
    Map<String, List<DeadLetter>> poison = letters.stream()
        .filter(dl -> StandardCharsets.UTF_8.decode(dl.getKey().duplicate()).toString().startsWith("poison-"))
        .collect(Collectors.groupingBy(DeadLetters::key));
    System.out.println("[poisoned] dead letters by topic and reason: " + poison.values().stream()
        .map(l -> l.get(0).getSourceTopic() + " " + l.get(0).getReason() + " (" + l.get(0).getService() + ")")
        .collect(Collectors.groupingBy(s -> s, java.util.TreeMap::new, Collectors.counting())));
    assertThat(poison.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    poison.forEach((where, list) -> assertThat(list).as(where).singleElement()
        .satisfies(dl -> assertThat(dl.getReason()).as(where).isEqualTo(expected.get(where))));
    assertThat(expected.values()).contains("undeserialisable", "unknown_schema", "unknown_step");
    // nothing else was dead-lettered: the clean run's letters and the poison are all there is
    assertThat(letters).hasSize(cleanLetters + expected.size());
    // and the run ended as the clean one: the same selections at every step, the same models
    assertThat(result.selections()).isEqualTo(reference.selections()).isNotEmpty();
    assertThat(result.steps()).extracting(DemoResult.Step::modelSha256)
        .isEqualTo(reference.steps().stream().map(DemoResult.Step::modelSha256).toList());
    // a viewer of the release table skips the poison too
    assertThat(ReleaseTable.read(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, deployment.bootstrapServers()),
        deployment.catalogue(TopicCatalogue.DEFAULT_RUN).releases, deployment.serdes().deserializer(Release.class), READ)
        .releases()).containsKeys(data.taskReleases().toArray(String[]::new));
  }

  /** Sends each kind of poison to partition 0 of every topic a service reads; notes where each landed. */
  private static void inject(KafkaTestEnv kafka, Deployment deployment, TopicCatalogue cat, Sample sample, String model,
      Map<String, String> expected) {
    List<Topic<?>> topics = List.of(cat.ingest, cat.releases, cat.scoreRequests, cat.scores, cat.selections,
        cat.models, cat.poolControl, cat.coordination, cat.reservoir, cat.centroids, cat.byCluster);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      for (Topic<?> topic : topics) {
        String prefix = "poison-" + topic.logical();
        send(producer, topic, prefix + "-json", PoisonBytes.notWireFormat(), "undeserialisable", expected);
        send(producer, topic, prefix + "-short", PoisonBytes.tooShort(), "undeserialisable", expected);
        send(producer, topic, prefix + "-schema", PoisonBytes.unknownSchema(), "unknown_schema", expected);
        PoisonRecords.unknownStep(cat, topic, prefix, sample, model).forEach((key, value) -> send(producer, topic,
            key, deployment.serdes().serializer().serialize(topic.name(), value), "unknown_step", expected));
      }
    }
  }

  private static void send(KafkaProducer<String, byte[]> producer, Topic<?> topic, String key, byte[] value,
      String reason, Map<String, String> expected) {
    try {
      RecordMetadata m = producer.send(new ProducerRecord<>(topic.name(), 0, key, value)).get();
      expected.put(m.topic() + "/" + m.partition() + "/" + m.offset(), reason);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot inject poison into " + topic.name(), e);
    }
  }

  private static List<DeadLetter> deadLetters(KafkaTestEnv kafka, Deployment deployment) {
    return kafka.readAll(deployment.catalogue("clean").dlq, READ).stream().map(ConsumerRecord::value).toList();
  }
}
