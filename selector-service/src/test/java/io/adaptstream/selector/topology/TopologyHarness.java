package io.adaptstream.selector.topology;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.PoolControl;
import io.adaptstream.avro.PoolDeletion;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoreRequest;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.avro.Selection;
import io.adaptstream.avro.SelectionEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.localregistry.LocalSchemaRegistry;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.selector.SelectorConfig;
import io.adaptstream.selector.SelectorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.adaptstream.selector.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The whole selector topology in a {@link TopologyTestDriver}, with one data partition (the driver has one
 * partition per topic), a real in-process schema registry, and helpers that play ingest, the scoring workers and
 * the trainer.
 */
final class TopologyHarness implements AutoCloseable {

  static final String MODEL = "m";

  final LocalSchemaRegistry registry;
  final AvroSerdes serdes;
  final SelectorConfig config;
  final TopicCatalogue catalogue;
  final TopologyTestDriver driver;
  /** Where the processors' meters go, rendered as a /metrics scrape would. */
  final PrometheusMeterRegistry meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final TestInputTopic<String, byte[]> ingest;
  private final TestInputTopic<String, byte[]> models;
  private final TestInputTopic<String, byte[]> scores;
  private final Map<String, TestOutputTopic<String, byte[]>> outputs = new HashMap<>();
  private final Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();
  /** Everything read so far from the output topics, by topic. */
  final List<Selection> selectionLog = new ArrayList<>();
  final List<StepMarker> selectionMarkers = new ArrayList<>();
  final List<PoolDeletion> deletions = new ArrayList<>();
  final List<DeadLetter> deadLetters = new ArrayList<>();

  TopologyHarness(Path stateDir, Map<String, String> settings) throws Exception {
    this(stateDir, settings, null);
  }

  /** @param registryState where the registry keeps its schemas (null: in memory), so a test can restart it */
  TopologyHarness(Path stateDir, Map<String, String> settings, Path registryState) throws Exception {
    registry = LocalSchemaRegistry.start(0, registryState);
    Map<String, String> m = new HashMap<>(Map.of(
        "bootstrap.servers", "localhost:9", "schema.registry.url", registry.url(), "topic.prefix", "ttd",
        "data.partitions", "1", "selector.state.dir", stateDir.toString(), "selector.http.port", "-1",
        "selector.model.name", MODEL));
    m.putAll(settings);
    config = new SelectorConfig(m);
    serdes = config.serdes(); // with the config's registry retry settings, as the service has them
    catalogue = config.catalogue();
    Properties props = config.streamsProperties(null);
    driver = new TopologyTestDriver(SelectorTopology.build(config, serdes, props,
        new SelectorMetrics(meterRegistry)), props);
    StringSerializer keys = new StringSerializer();
    ByteArraySerializer bytes = new ByteArraySerializer();
    ingest = driver.createInputTopic(catalogue.ingest.name(), keys, bytes);
    models = driver.createInputTopic(catalogue.models.name(), keys, bytes);
    scores = driver.createInputTopic(catalogue.scores.name(), keys, bytes);
  }

  /** Pipes a record into any topic the topology reads (internal ones included). */
  <V extends SpecificRecord> void pipe(Topic<V> topic, String key, V value) {
    pipeBytes(topic, key, bytes(topic.name(), value));
  }

  void pipeBytes(Topic<?> topic, String key, byte[] value) {
    inputs.computeIfAbsent(topic.name(), n -> driver.createInputTopic(n, new StringSerializer(),
        new ByteArraySerializer())).pipeInput(key, value);
  }

  /** Everything written to a topic since the last read of it, decoded. */
  <V extends SpecificRecord> List<V> read(Topic<V> topic) {
    TestOutputTopic<String, byte[]> out = outputs.computeIfAbsent(topic.name(),
        n -> driver.createOutputTopic(n, new StringDeserializer(), new ByteArrayDeserializer()));
    List<V> values = new ArrayList<>();
    for (KeyValue<String, byte[]> kv : out.readKeyValuesToList()) {
      values.add(serdes.deserializer(topic.valueType()).deserialize(topic.name(), kv.value));
    }
    return values;
  }

  <V extends SpecificRecord> byte[] bytes(String topic, V value) {
    return serdes.<V>serializer().serialize(topic, value);
  }

  /** Publishes a release's samples and seals it, as ingest does. */
  void publish(String release, int sequence, List<Sample> samples) {
    for (Sample s : samples) {
      ingest.pipeInput(s.getId(), bytes(catalogue.ingest.name(), new IngestEvent(s)));
    }
    for (SealMarker m : TestData.seals(release, sequence, samples, 1, id -> 0)) {
      ingest.pipeInput("seal/" + release, bytes(catalogue.ingest.name(), new IngestEvent(m)));
    }
  }

  void pipeIngestBytes(String key, byte[] value) {
    ingest.pipeInput(key, value);
  }

  void publishModel(int version) {
    ModelVersion mv = ModelVersion.newBuilder().setModel(MODEL).setVersion(version).setUri("file:///m/" + version)
        .setSha256("0".repeat(64)).setConfig("{}").build();
    models.pipeInput(MODEL + "@" + version, bytes(catalogue.models.name(), mv));
  }

  /** The score requests (and markers) written since the last call. */
  List<ScoreRequestEvent> takeRequests() {
    return read(catalogue.scoreRequests);
  }

  /**
   * Plays the scoring worker for the pending requests: scores every request, pipes the extra records the caller
   * gives (counted in the marker like any record the worker wrote), then the worker's marker.
   *
   * @return the requests answered
   */
  List<ScoreRequest> answerRequests(int step, List<byte[]> extraRecords, Function<ScoreRequest, SampleScores> model) {
    List<ScoreRequest> answered = new ArrayList<>();
    for (ScoreRequestEvent e : takeRequests()) {
      if (e.getPayload() instanceof ScoreRequest r) {
        answered.add(r);
        scores.pipeInput(r.getSample().getId(), bytes(catalogue.scores.name(), new ScoresEvent(model.apply(r))));
      }
    }
    for (byte[] extra : extraRecords) {
      scores.pipeInput("extra", extra);
    }
    StepMarker marker = StepMarker.newBuilder().setStep(step).setSourcePartition(0)
        .setCount(answered.size() + extraRecords.size()).setSourcePartitions(1).setTargetPartition(0).build();
    scores.pipeInput(StepKeys.marker(step, 0), bytes(catalogue.scores.name(), new ScoresEvent(marker)));
    return answered;
  }

  void pipeScores(String key, byte[] value) {
    scores.pipeInput(key, value);
  }

  /** Reads what the selector wrote to selections, pool-control (deletions) and the DLQ since the last call. */
  void drainOutputs() {
    for (SelectionEvent e : read(catalogue.selections)) {
      if (e.getPayload() instanceof Selection s) {
        selectionLog.add(s);
      } else {
        selectionMarkers.add((StepMarker) e.getPayload());
      }
    }
    for (PoolControl c : read(catalogue.poolControl)) {
      if (c.getPayload() instanceof PoolDeletion d) {
        deletions.add(d);
      }
    }
    deadLetters.addAll(read(catalogue.dlq));
  }

  List<Selection> selections(int step) {
    return selectionLog.stream().filter(s -> s.getStep() == step).toList();
  }

  List<PoolDeletion> deletions(int step) {
    return deletions.stream().filter(d -> d.getStep() == step).toList();
  }

  @Override
  public void close() {
    driver.close();
    registry.close();
  }
}
