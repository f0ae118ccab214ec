package io.adaptstream.ingest;

import static io.adaptstream.ingest.Fixtures.bytes;
import static io.adaptstream.ingest.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.blob.FileBlobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceIdsTest {

  @TempDir Path dir;

  @Test
  void shouldMapEachFileIdToTheIdPublishingGivesTheSample() throws IOException {
    // given a file with two image samples, a text-only one without an id, and one whose image is missing
    Path images = dir.resolve("data");
    write(images.resolve("red.png"), Fixtures.png(16, 16, 1));
    write(images.resolve("blue.png"), Fixtures.png(16, 16, 2));
    byte[][] entries = {
        bytes(Fixtures.sample("r1-train-000000", "red.png", "colour?", "red")),
        bytes(Fixtures.sample("r1-train-000001", "blue.png", "colour?", "blue")),
        bytes(Fixtures.sample(null, null, "two plus two?", "four")),
        bytes(Fixtures.sample("r1-train-000003", "gone.png", "colour?", "green"))};
    Path file = write(images.resolve("r1.json"), Fixtures.array(entries));

    // when the ids are mapped
    Map<String, String> ids = SourceIds.of(file, images);

    // then each published sample's id is the one publishing computes, keyed by the file's id (#index without one)
    EntryProcessor publishing = new EntryProcessor("r1", ValidationLimits.defaults(), images,
        new FileBlobStore(dir.resolve("blobs")), new DigestSet());
    assertThat(ids).containsOnlyKeys("r1-train-000000", "r1-train-000001", "#2");
    String[] keys = {"r1-train-000000", "r1-train-000001", "#2"};
    for (int i = 0; i < keys.length; i++) {
      EntryProcessor.Result r = publishing.process(RawEntry.ok(i, entries[i]));
      assertThat(ids.get(keys[i])).isEqualTo(((EntryProcessor.Accepted) r).sample().getId());
    }
    assertThat(ids.get("r1-train-000000")).isNotEqualTo(ids.get("r1-train-000001")).matches("[0-9a-f]{64}");
  }
}
