package io.adaptstream.ingest;

import static io.adaptstream.ingest.Fixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonArraySplitterTest {

  private static List<RawEntry> split(byte[] file, int maxEntryBytes) throws IOException {
    JsonArraySplitter splitter = new JsonArraySplitter(new ByteArrayInputStream(file), maxEntryBytes);
    List<RawEntry> entries = new ArrayList<>();
    for (RawEntry e = splitter.next(); e != null; e = splitter.next()) {
      entries.add(e);
    }
    return entries;
  }

  private static List<RawEntry> split(String file) throws IOException {
    return split(bytes(file), 1 << 20);
  }

  private static String text(RawEntry e) {
    return new String(e.bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldSplitNestedObjectsAtTheirClosingBrace() throws IOException {
    List<RawEntry> entries = split("[{\"a\":{\"b\":[1,{\"c\":2}]}},\n {\"d\":[[],{}]}]");

    assertThat(entries).extracting(JsonArraySplitterTest::text)
        .containsExactly("{\"a\":{\"b\":[1,{\"c\":2}]}}", "{\"d\":[[],{}]}");
    assertThat(entries).extracting(RawEntry::index).containsExactly(0L, 1L);
    assertThat(entries).noneMatch(RawEntry::isBroken);
  }

  @Test
  void shouldIgnoreBracketsBracesAndEscapedQuotesInsideStrings() throws IOException {
    String tricky = "{\"v\":\"a } ] [ { , \\\" still \\\\\"}";

    List<RawEntry> entries = split("[" + tricky + ",{\"w\":\"\\\\\"}]");

    assertThat(entries).extracting(JsonArraySplitterTest::text).containsExactly(tricky, "{\"w\":\"\\\\\"}");
  }

  @Test
  void shouldKeepMultibyteUtf8BytesIntact() throws IOException {
    String entry = "{\"q\":\"这是什么颜色？ красный 🟥\"}";

    List<RawEntry> entries = split("[" + entry + "]");

    assertThat(entries).singleElement().satisfies(e -> assertThat(e.bytes()).isEqualTo(bytes(entry)));
  }

  @Test
  void shouldFindBoundariesEvenAroundInvalidUtf8Bytes() throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.writeBytes(bytes("[{\"q\":\"bad "));
    file.write(0xC3);
    file.write(0x28); // 0xC3 must be followed by a continuation byte
    file.write(0xFF);
    file.writeBytes(bytes("\"},{\"q\":\"fine\"}]"));

    List<RawEntry> entries = split(file.toByteArray(), 1 << 20);

    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).isBroken()).isFalse(); // structure is fine; strict decoding rejects it later
    assertThat(text(entries.get(1))).isEqualTo("{\"q\":\"fine\"}");
  }

  @Test
  void shouldReportTheUnfinishedEntryOfATruncatedFile() throws IOException {
    List<RawEntry> entries = split("[{\"a\":1},\n{\"b\":\"cut he");

    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).isBroken()).isFalse();
    assertThat(entries.get(1).index()).isEqualTo(1);
    assertThat(entries.get(1).rejection().reason()).isEqualTo(Reason.MALFORMED_JSON);
    assertThat(entries.get(1).rejection().detail()).contains("truncated");
    assertThat(text(entries.get(1))).isEqualTo("{\"b\":\"cut he");
  }

  @Test
  void shouldReportAnArrayThatIsNeverClosed() throws IOException {
    List<RawEntry> entries = split("[{\"a\":1},{\"b\":2}  ");

    assertThat(entries).hasSize(3);
    assertThat(entries.subList(0, 2)).noneMatch(RawEntry::isBroken);
    assertThat(entries.get(2).rejection().detail()).contains("truncated");
  }

  @Test
  void shouldKeepGoingAfterAnEntryWithASyntaxError() throws IOException {
    List<RawEntry> entries = split("[{\"a\": },{\"b\":2}]");

    assertThat(entries).extracting(JsonArraySplitterTest::text).containsExactly("{\"a\": }", "{\"b\":2}");
  }

  @Test
  void shouldRejectTheEntryAfterAMissingCommaAndKeepTheRest() throws IOException {
    List<RawEntry> entries = split("[{\"a\":1} {\"b\":2}, {\"c\":3}]");

    assertThat(entries).hasSize(3);
    assertThat(entries.get(1).rejection().reason()).isEqualTo(Reason.MALFORMED_JSON);
    assertThat(entries.get(1).rejection().detail()).contains("missing ','");
    assertThat(entries.get(0).isBroken()).isFalse();
    assertThat(entries.get(2).isBroken()).isFalse();
  }

  @Test
  void shouldRejectElementsThatAreNotObjects() throws IOException {
    List<RawEntry> entries = split("[1, \"s,]\", [2], {\"ok\":true}]");

    assertThat(entries).extracting(JsonArraySplitterTest::text).containsExactly("1", "\"s,]\"", "[2]", "{\"ok\":true}");
    assertThat(entries.subList(0, 3)).allSatisfy(e -> assertThat(e.rejection().detail()).contains("not a JSON object"));
    assertThat(entries.get(3).isBroken()).isFalse();
  }

  @Test
  void shouldRejectAFileThatIsNotAnArray() throws IOException {
    List<RawEntry> entries = split("{\"id\":1}");

    assertThat(entries).singleElement().satisfies(e -> {
      assertThat(e.rejection().reason()).isEqualTo(Reason.MALFORMED_JSON);
      assertThat(e.rejection().detail()).contains("not a JSON array");
      assertThat(text(e)).isEqualTo("{\"id\":1}");
    });
  }

  @Test
  void shouldRejectAnEmptyFile() throws IOException {
    assertThat(split("")).singleElement()
        .satisfies(e -> assertThat(e.rejection().detail()).contains("empty"));
  }

  @Test
  void shouldReadAnEmptyArrayAndToleratePaddingBomAndTrailingComma() throws IOException {
    assertThat(split(" [ ] \n")).isEmpty();

    byte[] withBom = new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '[', '{', '}', ',', ']'};
    assertThat(split(withBom, 100)).singleElement().satisfies(e -> assertThat(text(e)).isEqualTo("{}"));
  }

  @Test
  void shouldReportContentAfterTheClosingBracket() throws IOException {
    List<RawEntry> entries = split("[{}] trailing");

    assertThat(entries).hasSize(2);
    assertThat(entries.get(1).rejection().detail()).contains("after the closing");
  }

  @Test
  void shouldRejectAnOversizedEntryWithoutBufferingAllOfItAndGoOn() throws IOException {
    String big = "{\"v\":\"" + "x".repeat(5000) + "\"}";

    List<RawEntry> entries = split(bytes("[" + big + ",{\"small\":1}]"), 1000);

    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).rejection().reason()).isEqualTo(Reason.TEXT_TOO_LONG);
    assertThat(entries.get(0).bytes()).hasSize(1000);
    assertThat(text(entries.get(1))).isEqualTo("{\"small\":1}");
  }

  @Test
  void shouldRejectAFileWithABrokenBomAsOneMalformedEntryInsteadOfFailing() throws IOException {
    byte[] brokenBom = new byte[] {(byte) 0xEF, (byte) 0xBB, '[', '{', '}', ']'};

    List<RawEntry> entries = split(brokenBom, 100);

    assertThat(entries).singleElement().satisfies(e -> {
      assertThat(e.rejection().reason()).isEqualTo(Reason.MALFORMED_JSON);
      assertThat(e.rejection().detail()).contains("byte order mark");
    });
  }

  @Test
  void shouldKeepDeeplyNestedBracketsToTheEntryWithoutRecursion() throws IOException {
    String deep = "{\"v\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

    List<RawEntry> entries = split(bytes("[" + deep + ",{\"next\":1}]"), 1 << 20);

    assertThat(entries).extracting(JsonArraySplitterTest::text).containsExactly(deep, "{\"next\":1}");
  }
}
