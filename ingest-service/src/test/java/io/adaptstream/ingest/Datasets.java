package io.adaptstream.ingest;

import static io.adaptstream.ingest.Fixtures.bytes;
import static io.adaptstream.ingest.Fixtures.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.avro.IngestEvent;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.testing.KafkaTestEnv;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Dataset files for the integration tests, and helpers to read back what a publish wrote. */
final class Datasets {

  private Datasets() {}

  /** Expected outcome of the mixed fixture: source ids accepted, and reason per rejected entry index. */
  record Mixed(Path file, List<String> goodIds, Map<Long, String> rejected, int duplicates, int testSamples) {}

  /**
   * Writes {@code <dir>/<name>.json} with five good samples (PNG, JPEG, two images, text only, a test sample),
   * one exact duplicate and one entry for each of: missing image, corrupt PNG, path traversal, invalid UTF-8,
   * empty conversation and malformed JSON. Images live under {@code imageDir}.
   */
  static Mixed mixed(Path dir, String name, Path imageDir) {
    write(imageDir.resolve("img/red.png"), Fixtures.png(32, 32, 1));
    write(imageDir.resolve("img/blue.png"), Fixtures.png(32, 32, 2));
    write(imageDir.resolve("img/photo.jpg"), Fixtures.jpeg(48, 32, 3));
    write(imageDir.resolve("img/broken.png"), Fixtures.truncated(Fixtures.png(64, 64, 4)));
    write(dir.resolve("secret.png"), Fixtures.png(8, 8, 5));

    ObjectNode test = Fixtures.sample("g5", "img/blue.png", "What colour is it?", "blue");
    test.put("split", "test").put("skill", "vqa.colour");
    List<byte[]> entries = new ArrayList<>();
    entries.add(bytes(Fixtures.sample("g1", "img/red.png", "What colour is it?", "red").put("skill", "vqa.colour")));
    entries.add(bytes(Fixtures.sample("g2", "img/photo.jpg", "Describe the photo.", "a checkered pattern")));
    entries.add(bytes(Fixtures.multiImage("g3", List.of("img/red.png", "img/blue.png"), "Same colour?", "no")));
    entries.add(bytes(Fixtures.sample("g4", null, "What is 2+3?", "5")));
    entries.add(bytes(test));
    entries.add(bytes(Fixtures.sample("dup-of-g1", "img/red.png", "What colour is it?", "red")));
    entries.add(bytes(Fixtures.sample("b-missing", "img/nope.png", "q", "a")));
    entries.add(bytes(Fixtures.sample("b-corrupt", "img/broken.png", "q", "a")));
    entries.add(bytes(Fixtures.sample("b-escape", "../secret.png", "q", "a")));
    ByteArrayOutputStream badUtf8 = new ByteArrayOutputStream();
    badUtf8.writeBytes(bytes("{\"id\":\"b-utf8\",\"conversations\":[{\"from\":\"human\",\"value\":\"caf"));
    badUtf8.write(0xC3);
    badUtf8.write(0x28);
    badUtf8.writeBytes(bytes("\"},{\"from\":\"gpt\",\"value\":\"a\"}]}"));
    entries.add(badUtf8.toByteArray());
    entries.add(bytes("{\"id\":\"b-empty\",\"conversations\":[]}"));
    entries.add(bytes("{\"id\":\"b-syntax\",\"conversations\":[{\"from\":\"gpt\" \"value\":\"a\"}]}"));

    Path file = write(dir.resolve(name + ".json"), Fixtures.array(entries.toArray(new byte[0][])));
    Map<Long, String> rejected = new LinkedHashMap<>();
    rejected.put(6L, "missing_image");
    rejected.put(7L, "corrupt_image");
    rejected.put(8L, "path_escape");
    rejected.put(9L, "invalid_utf8");
    rejected.put(10L, "empty_conversation");
    rejected.put(11L, "malformed_json");
    return new Mixed(file, List.of("g1", "g2", "g3", "g4", "g5"), rejected, 1, 1);
  }

  static IngestConfig config(KafkaTestEnv kafka, TopicCatalogue catalogue, Path blobs, Map<String, String> extra) {
    Map<String, String> m = new HashMap<>();
    m.put(IngestConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    m.put(IngestConfig.SCHEMA_REGISTRY_URL, kafka.schemaRegistryUrl());
    m.put(IngestConfig.TOPIC_PREFIX, catalogue.prefix());
    m.put(IngestConfig.BLOB_STORE, blobs.toString());
    m.putAll(extra);
    return new IngestConfig(m);
  }

  static List<ConsumerRecord<String, IngestEvent>> samplesOf(List<ConsumerRecord<String, IngestEvent>> all,
      String release) {
    return all.stream()
        .filter(r -> r.value().getPayload() instanceof Sample s && s.getRelease().equals(release))
        .toList();
  }

  static List<ConsumerRecord<String, IngestEvent>> markersOf(List<ConsumerRecord<String, IngestEvent>> all,
      String release) {
    return all.stream()
        .filter(r -> r.value().getPayload() instanceof SealMarker m && m.getRelease().equals(release))
        .toList();
  }

  static Sample sample(ConsumerRecord<String, IngestEvent> r) {
    return (Sample) r.value().getPayload();
  }

  static SealMarker marker(ConsumerRecord<String, IngestEvent> r) {
    return (SealMarker) r.value().getPayload();
  }
}
