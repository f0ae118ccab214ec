package io.adaptstream.ingest;

import static io.adaptstream.ingest.Fixtures.bytes;
import static io.adaptstream.ingest.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.blob.FileBlobStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each kind of hostile entry, placed in a real file between good ones, is dead-lettered with its own reason and
 * costs nothing else: the good entries after it still go through, in both formats.
 */
class HostileEntriesTest {

  private static final String QA = "\"conversations\":[{\"from\":\"human\",\"value\":\"q\"},"
      + "{\"from\":\"gpt\",\"value\":\"a\"}]";

  /** Entry text by the reason it must get (default limits). */
  private static final List<Map.Entry<Reason, String>> HOSTILE = List.of(
      Map.entry(Reason.INVALID_TEXT, "{\"id\":\"lone\",\"conversations\":[{\"from\":\"human\",\"value\":\"\\ud800\"},"
          + "{\"from\":\"gpt\",\"value\":\"a\"}]}"),
      Map.entry(Reason.DUPLICATE_KEY, "{\"id\":\"dup\",\"id\":\"dup2\"," + QA + "}"),
      Map.entry(Reason.TOO_DEEP,
          "{\"id\":\"deep\",\"extra\":" + "[".repeat(100_000) + "]".repeat(100_000) + "," + QA + "}"),
      Map.entry(Reason.ID_TOO_LONG, "{\"id\":\"" + "x".repeat(257) + "\"," + QA + "}"),
      Map.entry(Reason.BAD_FIELD, "{\"id\":\"num\",\"conversations\":[{\"from\":\"human\",\"value\":7},"
          + "{\"from\":\"gpt\",\"value\":\"a\"}]}"),
      Map.entry(Reason.TOO_MANY_IMAGES,
          "{\"id\":\"imgs\",\"images\":[" + "\"a.png\",".repeat(16) + "\"a.png\"]," + QA + "}"),
      Map.entry(Reason.BAD_CONVERSATION, "{\"id\":\"turns\",\"conversations\":["
          + "{\"from\":\"human\",\"value\":\"q\"},{\"from\":\"gpt\",\"value\":\"a\"},".repeat(32)
          + "{\"from\":\"gpt\",\"value\":\"a\"}]}"));

  @TempDir Path dir;
  private EntryProcessor processor;

  @BeforeEach
  void setUp() {
    write(dir.resolve("data/red.png"), Fixtures.png(16, 16, 1));
    processor = new EntryProcessor("r1", ValidationLimits.defaults(), dir.resolve("data"),
        new FileBlobStore(dir.resolve("blobs")), new DigestSet());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(DatasetFormat.class)
  void shouldDeadLetterEachHostileEntryWithItsReasonAndAcceptTheGoodOnesAfterIt(DatasetFormat format) {
    List<byte[]> entries = new ArrayList<>();
    List<Reason> expected = new ArrayList<>();
    int good = 0;
    entries.add(bytes(Fixtures.sample("good-" + good, "red.png", "q" + good, "a")));
    expected.add(null);
    for (Map.Entry<Reason, String> hostile : HOSTILE) {
      entries.add(bytes(hostile.getValue()));
      expected.add(hostile.getKey());
      good++;
      entries.add(bytes(Fixtures.sample("good-" + good, good % 2 == 0 ? "red.png" : null, "q" + good, "a")));
      expected.add(null);
    }

    List<CoreRun.Outcome> outcomes = CoreRun.run(format, CoreRun.file(format, entries), processor);

    assertThat(outcomes).extracting(CoreRun.Outcome::reason).containsExactlyElementsOf(expected);
    assertThat(outcomes).filteredOn(CoreRun.Outcome::accepted).extracting(CoreRun.Outcome::sourceId)
        .hasSize(HOSTILE.size() + 1).allMatch(id -> id.startsWith("good-"));
  }
}
