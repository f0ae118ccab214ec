package io.adaptstream.selector.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.PoolControl;
import io.adaptstream.avro.PoolDeletion;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.ScoreRequest;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.avro.StepStart;
import io.adaptstream.avro.StepStatus;
import io.adaptstream.localregistry.LocalSchemaRegistry;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.selector.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool task: what it holds, what it asks to be scored at a step, and what it refuses. */
class PoolProcessorTest {

  @TempDir
  Path stateDir;
  private TopologyHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void shouldRequestSealedTaskReleasesUpToTheStepInIdOrderThenAMarkerWithTheCount() throws Exception {
    // given
    h = new TopologyHarness(stateDir, Map.of());
    List<Sample> r1 = TestData.release("r1", 12, 2, 1);
    List<Sample> r2 = TestData.release("r2", 9, 0, 2);
    List<Sample> r3 = TestData.release("r3", 7, 0, 3);
    h.publish("r1", 1, r1);
    h.publish("r2", 2, r2);
    r3.forEach(s -> h.pipe(h.catalogue.ingest, s.getId(), new io.adaptstream.avro.IngestEvent(s))); // not sealed

    // when
    h.pipe(h.catalogue.poolControl, "start", new PoolControl(start(2)));

    // then
    List<ScoreRequestEvent> out = h.takeRequests();
    List<ScoreRequest> requests = out.stream().filter(e -> e.getPayload() instanceof ScoreRequest)
        .map(e -> (ScoreRequest) e.getPayload()).toList();
    assertThat(requests).hasSize(12 + 9);
    assertThat(requests).extracting(r -> r.getSample().getId()).isSorted();
    assertThat(requests).filteredOn(ScoreRequest::getFresh).extracting(r -> r.getSample().getRelease())
        .hasSize(9).containsOnly("r2");
    assertThat(requests).allSatisfy(r -> {
      assertThat(r.getStep()).isEqualTo(2);
      assertThat(r.getModelVersion()).isEqualTo(1);
    });
    assertThat(out.get(out.size() - 1).getPayload()).isInstanceOfSatisfying(StepMarker.class, m -> {
      assertThat(m.getCount()).isEqualTo(21);
      assertThat(m.getSourcePartitions()).isEqualTo(1);
      assertThat(m.getTargetPartition()).isZero();
    });
  }

  @Test
  void shouldNeverRequestADeletedSampleAgainEvenWhenALaterReleaseRepeatsIt() throws Exception {
    // given
    h = new TopologyHarness(stateDir, Map.of());
    List<Sample> r1 = TestData.release("r1", 5, 0, 1);
    Sample gone = r1.get(0);
    h.publish("r1", 1, r1);
    h.pipe(h.catalogue.poolControl, "start", new PoolControl(start(1)));
    h.takeRequests();

    // when
    h.pipe(h.catalogue.poolControl, gone.getId(), new PoolControl(new PoolDeletion(1, gone.getId(), 0, "pruned")));
    h.pipe(h.catalogue.poolControl, "nope", new PoolControl(new PoolDeletion(1, "f".repeat(64), 0, "pruned")));
    Sample again = Sample.newBuilder(gone).setRelease("r2").build();
    h.publish("r2", 2, List.of(again, TestData.sample("r2", 9, io.adaptstream.avro.Split.TRAIN, "ocr")));
    h.pipe(h.catalogue.poolControl, "start", new PoolControl(start(2)));

    // then
    List<String> requested = new ArrayList<>();
    h.takeRequests().stream().filter(e -> e.getPayload() instanceof ScoreRequest)
        .forEach(e -> requested.add(((ScoreRequest) e.getPayload()).getSample().getId()));
    assertThat(requested).hasSize(5).doesNotContain(gone.getId());
    h.drainOutputs();
    assertThat(h.deadLetters).filteredOn(dl -> dl.getSourceTopic().equals(h.catalogue.poolControl.name()))
        .extracting(DeadLetter::getReason).containsExactly("unknown_sample");
  }

  @Test
  void shouldDeadLetterUnreadableIngestRecordsAndReportASealThatDoesNotAddUp() throws Exception {
    // given
    h = new TopologyHarness(stateDir, Map.of());
    List<Sample> r1 = TestData.release("r1", 6, 0, 1);
    r1.forEach(s -> h.pipe(h.catalogue.ingest, s.getId(), new io.adaptstream.avro.IngestEvent(s)));

    // when
    h.pipeIngestBytes("junk", "{not avro}".getBytes(StandardCharsets.UTF_8));
    h.pipe(h.catalogue.ingest, "seal/r1", new io.adaptstream.avro.IngestEvent(
        new io.adaptstream.avro.SealMarker("r1", 1, 0, 7L, 1)));
    h.publishModel(0);

    // then
    h.drainOutputs();
    assertThat(h.deadLetters).singleElement().satisfies(dl -> {
      assertThat(dl.getReason()).isEqualTo("undeserialisable");
      assertThat(dl.getSourceTopic()).isEqualTo(h.catalogue.ingest.name());
      assertThat(dl.getSourceOffset()).isEqualTo(6);
    });
    StepStatus status = h.driver.<String, StepStatus>getKeyValueStore(SelectorTopology.STEPS_STORE)
        .get(StepKeys.step(1));
    assertThat(status.getSealWarnings()).singleElement().asString().contains("seal counts 7 samples, 6 were read");
    assertThat(h.takeRequests()).filteredOn(e -> e.getPayload() instanceof ScoreRequest).hasSize(6);
  }

  @Test
  void shouldWaitForTheRegistryAndReadTheRecordsWhenItComesBackWithinTheMaxWait(@TempDir Path registryDir)
      throws Exception {
    // given a selector, and three samples that ingest wrote with a schema the selector has not fetched yet
    Path state = registryDir.resolve("registry.jsonl");
    h = new TopologyHarness(stateDir, Map.of(), state);
    List<Sample> r1 = TestData.release("r1", 3, 0, 1);
    AvroSerdes ingest = new AvroSerdes(h.registry.url());
    List<byte[]> written = r1.stream().map(s -> ingest.<IngestEvent>serializer()
        .serialize(h.catalogue.ingest.name(), new IngestEvent(s))).toList();
    int port = h.registry.port();

    // when the registry stops and the samples arrive
    h.registry.close();
    CompletableFuture<Void> piped = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < r1.size(); i++) {
        h.pipeIngestBytes(r1.get(i).getId(), written.get(i));
      }
    });
    // then the selector waits, retrying
    await().atMost(Duration.ofSeconds(20)).until(() -> h.serdes.registry().retries() >= 2);
    assertThat(piped).isNotDone();

    // when the registry comes back within the selector's max wait (30 s by default)
    try (LocalSchemaRegistry back = LocalSchemaRegistry.start(port, state)) {
      piped.get(30, TimeUnit.SECONDS);
      for (SealMarker m : TestData.seals("r1", 1, r1, 1, id -> 0)) {
        h.pipe(h.catalogue.ingest, "seal/r1", new IngestEvent(m));
      }
      h.pipe(h.catalogue.poolControl, "start", new PoolControl(start(1)));

      // then every sample was read (none dead-lettered): the step requests all three
      assertThat(h.takeRequests()).filteredOn(e -> e.getPayload() instanceof ScoreRequest)
          .extracting(e -> ((ScoreRequest) e.getPayload()).getSample().getId())
          .containsExactlyInAnyOrderElementsOf(r1.stream().map(Sample::getId).toList());
      h.drainOutputs();
      assertThat(h.deadLetters).filteredOn(dl -> dl.getSourceTopic().equals(h.catalogue.ingest.name())).isEmpty();
    }
  }

  @Test
  void shouldFailTheTaskInsteadOfDeadLetteringARecordWhenTheRegistryStaysUnavailable() throws Exception {
    // given a selector that waits at most 300 ms for the registry, and a registry that has stopped
    h = new TopologyHarness(stateDir, Map.of(ServiceConfig.SCHEMA_REGISTRY_RETRY_MAX_WAIT_MS, "300"));
    h.registry.close();
    // a record in the Confluent wire format whose writer schema (id 9999) the selector has not fetched yet
    byte[] unknownSchema = {0, 0, 0, 0x27, 0x0F, 2, 'x'};

    // when it arrives, then processing fails with the unavailable registry as the cause
    assertThatThrownBy(() -> h.pipeIngestBytes("s1", unknownSchema))
        .satisfies(e -> assertThat(SchemaRegistryException.isUnavailable(e)).as("%s", e).isTrue())
        .hasStackTraceContaining("schema registry at " + h.registry.url() + "/ is unavailable");

    // and the record is not dead-lettered (the task's offsets are not committed: it is read again)
    h.drainOutputs();
    assertThat(h.deadLetters).filteredOn(dl -> dl.getSourceTopic().equals(h.catalogue.ingest.name())).isEmpty();
  }

  @Test
  void shouldOnlyRequestTheNewReleaseUnderTheSequentialPolicy() throws Exception {
    // given
    h = new TopologyHarness(stateDir, Map.of("selector.policy", "sequential"));
    h.publish("r1", 1, TestData.release("r1", 4, 0, 1));
    h.publish("r2", 2, TestData.release("r2", 3, 0, 2));

    // when
    h.pipe(h.catalogue.poolControl, "start", new PoolControl(start(2)));

    // then
    assertThat(h.takeRequests()).filteredOn(e -> e.getPayload() instanceof ScoreRequest)
        .extracting(e -> ((ScoreRequest) e.getPayload()).getSample().getRelease()).containsExactly("r2", "r2", "r2");
  }

  private static StepStart start(int step) {
    return new StepStart(step, TopologyHarness.MODEL, step - 1, 0L);
  }
}
