package io.adaptstream.ingest;

import static io.adaptstream.ingest.Fixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesSourceTest {

  private static List<RawEntry> read(String file, int max) throws IOException {
    JsonLinesSource source = new JsonLinesSource(new ByteArrayInputStream(bytes(file)), max);
    List<RawEntry> entries = new ArrayList<>();
    for (RawEntry e = source.next(); e != null; e = source.next()) {
      entries.add(e);
    }
    return entries;
  }

  @Test
  void shouldYieldOneEntryPerLineIndexedByLineNumber() throws IOException {
    List<RawEntry> entries = read("{\"a\":1}\r\n\n   \n{\"b\":\"x\"}", 1000);

    assertThat(entries).extracting(e -> new String(e.bytes(), StandardCharsets.UTF_8))
        .containsExactly("{\"a\":1}", "{\"b\":\"x\"}");
    assertThat(entries).extracting(RawEntry::index).containsExactly(0L, 3L);
  }

  @Test
  void shouldRejectAnOverlongLineAndReadTheNextOne() throws IOException {
    List<RawEntry> entries = read("{\"v\":\"" + "y".repeat(300) + "\"}\n{\"ok\":1}\n", 100);

    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).rejection().reason()).isEqualTo(Reason.TEXT_TOO_LONG);
    assertThat(entries.get(1).isBroken()).isFalse();
  }

  @Test
  void shouldParseJsonlEntriesIntoSamples() throws IOException {
    List<RawEntry> entries = read(
        "{\"id\":\"a\",\"conversations\":[{\"from\":\"human\",\"value\":\"2+2?\"},{\"from\":\"gpt\",\"value\":\"4\"}]}\n"
            + "{\"id\":\"b\",\"conversations\":[]}\n"
            + "{\"id\":\"c\"} {\"id\":\"d\"}\n", 10_000);
    EntryParser parser = new EntryParser(ValidationLimits.defaults());

    List<EntryParser.Outcome> outcomes = entries.stream().map(parser::parse).toList();

    assertThat(outcomes.get(0)).isInstanceOfSatisfying(EntryParser.Parsed.class,
        p -> assertThat(p.sample().sourceId()).isEqualTo("a"));
    assertThat(outcomes.get(1)).isInstanceOfSatisfying(EntryParser.Rejected.class,
        r -> assertThat(r.rejection().reason()).isEqualTo(Reason.EMPTY_CONVERSATION));
    assertThat(outcomes.get(2)).isInstanceOfSatisfying(EntryParser.Rejected.class,
        r -> assertThat(r.rejection().reason()).isEqualTo(Reason.MALFORMED_JSON));
  }

  @Test
  void shouldSkipTheFilesBomButLeaveABrokenOneOrALaterOneToTheParser() throws IOException {
    String bom = "\uFEFF";

    List<RawEntry> entries = read(bom + "{\"a\":1}\n" + bom + "{\"b\":2}\n", 1000);
    JsonLinesSource broken = new JsonLinesSource(new ByteArrayInputStream(
        new byte[] {(byte) 0xEF, (byte) 0xBB, '{', '}', '\n', '{', '}'}), 1000);

    assertThat(entries).extracting(e -> new String(e.bytes(), StandardCharsets.UTF_8))
        .containsExactly("{\"a\":1}", bom + "{\"b\":2}");
    assertThat(broken.next().bytes()).hasSize(4);
    assertThat(broken.next().bytes()).isEqualTo(bytes("{}"));
    assertThat(new EntryParser(ValidationLimits.defaults()).parse(entries.get(1)))
        .isInstanceOfSatisfying(EntryParser.Rejected.class,
            r -> assertThat(r.rejection().reason()).isEqualTo(Reason.MALFORMED_JSON));
  }
}
