package io.adaptstream.ingest;

import static io.adaptstream.ingest.Fixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.Speaker;
import io.adaptstream.avro.Split;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EntryParserTest {

  private final EntryParser parser = new EntryParser(new ValidationLimits(1 << 20, 1 << 20, 1024, 200, 4, 2));

  private EntryParser.Outcome parse(String json) {
    return parser.parse(RawEntry.ok(7, bytes(json)));
  }

  private Reason reasonOf(String json) {
    EntryParser.Outcome o = parse(json);
    assertThat(o).isInstanceOf(EntryParser.Rejected.class);
    return ((EntryParser.Rejected) o).rejection().reason();
  }

  private static String conv(String turns) {
    return "\"conversations\":[" + turns + "]";
  }

  private static final String QA = conv("{\"from\":\"human\",\"value\":\"q\"},{\"from\":\"gpt\",\"value\":\"a\"}");

  @Test
  void shouldParseAValidEntryWithDefaults() {
    EntryParser.Outcome o = parse("{\"image\":\"a.png\"," + conv(
        "{\"from\":\"human\",\"value\":\"<image>\\nWhat colour?\"},{\"from\":\"gpt\",\"value\":\"red\"}") + "}");

    assertThat(o).isInstanceOfSatisfying(EntryParser.Parsed.class, p -> {
      assertThat(p.sample().sourceId()).isEqualTo("#7");
      assertThat(p.sample().split()).isEqualTo(Split.TRAIN);
      assertThat(p.sample().skill()).isNull();
      assertThat(p.sample().imagePaths()).containsExactly("a.png");
      assertThat(p.sample().turns()).extracting(t -> t.getFrom()).containsExactly(Speaker.HUMAN, Speaker.GPT);
      assertThat(p.sample().turns().get(0).getValue()).isEqualTo("<image>\nWhat colour?");
    });
  }

  @Test
  void shouldReadIdSplitSkillAndImageLists() {
    EntryParser.Outcome o = parse("{\"id\":42,\"split\":\"test\",\"skill\":\"vqa.colour\",\"images\":[\"a.png\","
        + "\"b.jpg\"]," + QA + "}");

    assertThat(o).isInstanceOfSatisfying(EntryParser.Parsed.class, p -> {
      assertThat(p.sample().sourceId()).isEqualTo("42");
      assertThat(p.sample().split()).isEqualTo(Split.TEST);
      assertThat(p.sample().skill()).isEqualTo("vqa.colour");
      assertThat(p.sample().imagePaths()).containsExactly("a.png", "b.jpg");
    });
  }

  @Test
  void shouldRejectInvalidUtf8Bytes() {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    raw.writeBytes(bytes("{\"id\":\"x"));
    raw.write(0xC3);
    raw.write(0x28);
    raw.writeBytes(bytes("\"," + QA + "}"));

    EntryParser.Outcome o = parser.parse(RawEntry.ok(0, raw.toByteArray()));

    assertThat(o).isInstanceOfSatisfying(EntryParser.Rejected.class, r -> {
      assertThat(r.rejection().reason()).isEqualTo(Reason.INVALID_UTF8);
      assertThat(r.rejection().detail()).contains("byte 8");
    });
  }

  @Test
  void shouldRejectALoneSurrogateFromAnEscape() {
    assertThat(reasonOf("{\"id\":\"\\ud800x\"," + QA + "}")).isEqualTo(Reason.INVALID_UTF8);
    assertThat(reasonOf("{" + conv("{\"from\":\"human\",\"value\":\"\\udc00\"},{\"from\":\"gpt\",\"value\":\"a\"}")
        + "}")).isEqualTo(Reason.INVALID_UTF8);
  }

  @Test
  void shouldAcceptAProperSurrogatePairFromEscapes() {
    assertThat(parse("{\"id\":\"\\ud83d\\ude00\"," + QA + "}")).isInstanceOf(EntryParser.Parsed.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "syntax error          | {\"id\": ,}",
      "trailing tokens       | {\"id\":1} {\"id\":2}",
      "not an object         | [1,2]",
      "duplicate key         | {\"id\":1,\"id\":2}",
  })
  void shouldRejectMalformedJson(String why, String json) {
    assertThat(reasonOf(json)).isEqualTo(Reason.MALFORMED_JSON);
  }

  @Test
  void shouldPassOnARejectionTheSplitterFound() {
    EntryParser.Outcome o = parser.parse(RawEntry.broken(3, new byte[0], Reason.MALFORMED_JSON, "truncated"));

    assertThat(o).isInstanceOfSatisfying(EntryParser.Rejected.class,
        r -> assertThat(r.rejection().detail()).isEqualTo("truncated"));
  }

  @Test
  void shouldRejectMissingFields() {
    assertThat(reasonOf("{\"id\":\"x\"}")).isEqualTo(Reason.MISSING_FIELD);
    assertThat(reasonOf("{" + conv("{\"from\":\"gpt\"}") + "}")).isEqualTo(Reason.MISSING_FIELD);
    assertThat(reasonOf("{" + conv("{\"value\":\"a\"}") + "}")).isEqualTo(Reason.MISSING_FIELD);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "id is an object        | {\"id\":{},QA}",
      "split is unknown       | {\"split\":\"dev\",QA}",
      "split is a number      | {\"split\":1,QA}",
      "skill is a number      | {\"skill\":3,QA}",
      "image is a number      | {\"image\":3,QA}",
      "images hold numbers    | {\"images\":[1],QA}",
      "image path is empty    | {\"image\":\"\",QA}",
      "image and images       | {\"image\":\"a.png\",\"images\":[\"b.png\"],QA}",
      "conversations a string | {\"conversations\":\"hi\"}",
      "turn is a string       | {\"conversations\":[\"hi\"]}",
      "value is a number      | {\"conversations\":[{\"from\":\"gpt\",\"value\":1}]}",
  })
  void shouldRejectBadFields(String why, String json) {
    assertThat(reasonOf(json.replace("QA", QA))).isEqualTo(Reason.BAD_FIELD);
  }

  @Test
  void shouldRejectAnEmptyConversation() {
    assertThat(reasonOf("{\"conversations\":[]}")).isEqualTo(Reason.EMPTY_CONVERSATION);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no gpt turn            | {\"from\":\"human\",\"value\":\"q\"}",
      "unknown role           | {\"from\":\"system\",\"value\":\"q\"},{\"from\":\"gpt\",\"value\":\"a\"}",
      "blank text             | {\"from\":\"human\",\"value\":\"  \"},{\"from\":\"gpt\",\"value\":\"a\"}",
      "placeholder, no image  | {\"from\":\"human\",\"value\":\"<image> q\"},{\"from\":\"gpt\",\"value\":\"a\"}",
      "too many turns         | {\"from\":\"human\",\"value\":\"q\"},{\"from\":\"gpt\",\"value\":\"a\"},{\"from\":\"human\",\"value\":\"q\"},{\"from\":\"gpt\",\"value\":\"a\"},{\"from\":\"gpt\",\"value\":\"a\"}",
  })
  void shouldRejectBadConversations(String why, String turns) {
    assertThat(reasonOf("{" + conv(turns) + "}")).isEqualTo(Reason.BAD_CONVERSATION);
  }

  @Test
  void shouldRejectMorePlaceholdersThanImages() {
    String turns = "{\"from\":\"human\",\"value\":\"<image><image> q\"},{\"from\":\"gpt\",\"value\":\"a\"}";

    assertThat(reasonOf("{\"image\":\"a.png\"," + conv(turns) + "}")).isEqualTo(Reason.BAD_CONVERSATION);
    assertThat(parse("{\"images\":[\"a.png\",\"b.png\"]," + conv(turns) + "}")).isInstanceOf(EntryParser.Parsed.class);
  }

  @Test
  void shouldRejectTextOverTheLimitCountedInUtf8Bytes() {
    // 67 three-byte characters = 201 bytes, over the 200 allowed, though only 67 chars
    String answer = "色".repeat(67);

    assertThat(reasonOf("{" + conv("{\"from\":\"gpt\",\"value\":\"" + answer + "\"}") + "}"))
        .isEqualTo(Reason.TEXT_TOO_LONG);
    assertThat(parse("{" + conv("{\"from\":\"gpt\",\"value\":\"" + "色".repeat(66) + "\"}") + "}"))
        .isInstanceOf(EntryParser.Parsed.class);
  }

  @Test
  void shouldRejectTooManyImages() {
    assertThat(reasonOf("{\"images\":[\"a.png\",\"b.png\",\"c.png\"]," + QA + "}")).isEqualTo(Reason.TOO_MANY_IMAGES);
  }
}
