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

  private final EntryParser parser = new EntryParser(new ValidationLimits(1 << 20, 1 << 20, 1024, 200, 4, 2, 16, 6));

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

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "high surrogate in id          | {\"id\":\"\\ud800x\",QA}",
      "low surrogate in a turn       | {\"conversations\":[{\"from\":\"human\",\"value\":\"\\udc00\"},{\"from\":\"gpt\",\"value\":\"a\"}]}",
      "high surrogate at text end    | {\"conversations\":[{\"from\":\"human\",\"value\":\"q\"},{\"from\":\"gpt\",\"value\":\"a\\ud83d\"}]}",
      "swapped pair                  | {\"skill\":\"\\ude00\\ud83d\",QA}",
      "surrogate in split            | {\"split\":\"\\ud800\",QA}",
      "surrogate in image path       | {\"image\":\"a\\udfff.png\",QA}",
      "surrogate in images list      | {\"images\":[\"a.png\",\"\\ud800\"],QA}",
      "surrogate in from             | {\"conversations\":[{\"from\":\"gpt\\ud800\",\"value\":\"a\"}]}",
      "surrogate in an unknown field | {\"extra\":{\"x\":[\"\\ud800\"]},QA}",
      "surrogate in a field name     | {\"\\ud800\":1,QA}",
  })
  void shouldRejectALoneSurrogateFromAnEscapeInAnyStringAsInvalidText(String why, String json) {
    assertThat(reasonOf(json.replace("QA", QA))).isEqualTo(Reason.INVALID_TEXT);
  }

  @Test
  void shouldRejectASurrogateEncodedAsUtf8BytesAsInvalidText() {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    raw.writeBytes(bytes("{\"id\":\"x"));
    raw.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // U+D800 in CESU-8
    raw.writeBytes(bytes("\"," + QA + "}"));

    EntryParser.Outcome o = parser.parse(RawEntry.ok(0, raw.toByteArray()));

    assertThat(o).isInstanceOfSatisfying(EntryParser.Rejected.class, r -> {
      assertThat(r.rejection().reason()).isEqualTo(Reason.INVALID_TEXT);
      assertThat(r.rejection().detail()).contains("byte 8");
    });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "NUL in a turn               | {\"conversations\":[{\"from\":\"human\",\"value\":\"q\\u0000\"},{\"from\":\"gpt\",\"value\":\"a\"}]}",
      "bell in a turn              | {\"conversations\":[{\"from\":\"human\",\"value\":\"q\\u0007\"},{\"from\":\"gpt\",\"value\":\"a\"}]}",
      "escape in a turn            | {\"conversations\":[{\"from\":\"gpt\",\"value\":\"\\u001b[31mred\"}]}",
      "DEL in a turn               | {\"conversations\":[{\"from\":\"gpt\",\"value\":\"a\\u007f\"}]}",
      "C1 control in a turn        | {\"conversations\":[{\"from\":\"gpt\",\"value\":\"a\\u0085\"}]}",
      "tab in id                   | {\"id\":\"a\\tb\",QA}",
      "newline in image path       | {\"image\":\"a\\n.png\",QA}",
      "NUL in images list          | {\"images\":[\"a.png\\u0000\"],QA}",
      "CR in skill                 | {\"skill\":\"vqa\\r\",QA}",
      "NUL in split                | {\"split\":\"train\\u0000\",QA}",
      "NUL in from                 | {\"conversations\":[{\"from\":\"gpt\\u0000\",\"value\":\"a\"}]}",
      "U+FFFE in a turn            | {\"conversations\":[{\"from\":\"gpt\",\"value\":\"a\\ufffe\"}]}",
      "U+FFFF in id                | {\"id\":\"\\uffff\",QA}",
      "U+FDD0 in a turn            | {\"conversations\":[{\"from\":\"gpt\",\"value\":\"\\ufdd0\"}]}",
      "U+1FFFE in a turn           | {\"conversations\":[{\"from\":\"gpt\",\"value\":\"\\ud83f\\udffe\"}]}",
      "U+10FFFF in a turn          | {\"conversations\":[{\"from\":\"gpt\",\"value\":\"\\udbff\\udfff\"}]}",
  })
  void shouldRejectControlCharactersAndNoncharactersAsInvalidText(String why, String json) {
    assertThat(reasonOf(json.replace("QA", QA))).isEqualTo(Reason.INVALID_TEXT);
  }

  @Test
  void shouldNameTheFieldAndCharacterOfInvalidText() {
    EntryParser.Outcome o = parse("{" + conv("{\"from\":\"human\",\"value\":\"ab\\u0000\"},{\"from\":\"gpt\",\"value\":\"a\"}")
        + "}");

    assertThat(o).isInstanceOfSatisfying(EntryParser.Rejected.class,
        r -> assertThat(r.rejection().detail()).contains("turn 0", "'value'", "U+0000", "character 2"));
  }

  @Test
  void shouldKeepTabsLineBreaksBomsAndOtherUnicodeInConversationText() {
    String text = "a\tb\r\nc \uFEFF e\u0301 \u05e9\u05dc\u05d5\u05dd \u200f\u202e \ud83d\ude00 \u4e2d \ufffd \ufdcf \ufdf0";
    String json = "{\"id\":\"\uFEFFid\",\"skill\":\"\u00e9\"," + conv("{\"from\":\"human\",\"value\":\"q\"},{\"from\":\"gpt\",\"value\":\""
        + text.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n") + "\"}") + "}";

    EntryParser.Outcome o = parse(json);

    assertThat(o).isInstanceOfSatisfying(EntryParser.Parsed.class, p -> {
      assertThat(p.sample().turns().get(1).getValue()).isEqualTo(text);
      assertThat(p.sample().sourceId()).isEqualTo("\uFEFFid");
    });
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

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "top-level key          | {\"id\":1,\"id\":2,QA}",
      "two conversations      | {QA,QA}",
      "key inside a turn      | {\"conversations\":[{\"from\":\"gpt\",\"value\":\"a\",\"value\":\"b\"}]}",
      "key in an unread field | {\"extra\":{\"k\":1,\"k\":1},QA}",
  })
  void shouldRejectADuplicateKeyInAnyObject(String why, String json) {
    EntryParser.Outcome o = parse(json.replace("QA", QA));

    assertThat(o).isInstanceOfSatisfying(EntryParser.Rejected.class, r -> {
      assertThat(r.rejection().reason()).isEqualTo(Reason.DUPLICATE_KEY);
      assertThat(r.rejection().detail()).startsWith(EntryParser.JACKSON_DUPLICATE_MESSAGE);
    });
  }

  @Test
  void shouldRejectAnIdOverTheLimitCountedInCharacters() {
    // the limit here is 16: 16 four-byte characters (32 UTF-16 units) pass, 17 do not
    String sixteen = "\ud83d\ude00".repeat(16);

    assertThat(parse("{\"id\":\"" + sixteen + "\"," + QA + "}")).isInstanceOf(EntryParser.Parsed.class);
    assertThat(reasonOf("{\"id\":\"" + sixteen + "x\"," + QA + "}")).isEqualTo(Reason.ID_TOO_LONG);
    assertThat(reasonOf("{\"id\":" + "9".repeat(17) + "," + QA + "}")).isEqualTo(Reason.ID_TOO_LONG);
  }

  @Test
  void shouldRejectNestingOverTheLimitWithoutOverflowingTheStack() {
    // the limit here is 6; 100,000 nested arrays would overflow a recursive parser or tree walk
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    String atLimit = "[[[[[1]]]]]"; // entry object 1 + 5 arrays = 6

    assertThat(reasonOf("{\"extra\":" + deep + "," + QA + "}")).isEqualTo(Reason.TOO_DEEP);
    assertThat(reasonOf("{\"extra\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + "," + QA + "}"))
        .isEqualTo(Reason.TOO_DEEP);
    assertThat(reasonOf("{\"extra\":" + "[".repeat(100_000) + "," + QA + "}")).isEqualTo(Reason.TOO_DEEP);
    assertThat(parse("{\"extra\":" + atLimit + "," + QA + "}")).isInstanceOf(EntryParser.Parsed.class);
    assertThat(reasonOf("{\"extra\":[" + atLimit + "]," + QA + "}")).isEqualTo(Reason.TOO_DEEP);
  }

  @Test
  void shouldNotCountBracketsInsideStringsAsNesting() {
    String brackets = "[[[[[[[[[[{{{{{{{{{{ \\\" [[[[";

    assertThat(parse("{\"skill\":\"" + brackets + "\"," + QA + "}")).isInstanceOf(EntryParser.Parsed.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "id is a float          | {\"id\":1.5,QA}                 | 'id'",
      "id is a boolean        | {\"id\":true,QA}                | 'id'",
      "id is an array         | {\"id\":[\"a\"],QA}             | 'id'",
      "split is an array      | {\"split\":[\"train\"],QA}      | 'split'",
      "skill is an object     | {\"skill\":{},QA}               | 'skill'",
      "image is an object     | {\"image\":{\"p\":\"a\"},QA}    | 'image'",
      "images hold null       | {\"images\":[null],QA}          | 'images'",
      "from is a number       | {\"conversations\":[{\"from\":1,\"value\":\"a\"}]} | 'from'",
      "value is an array      | {\"conversations\":[{\"from\":\"gpt\",\"value\":[\"a\"]}]} | 'value'",
      "value is a boolean     | {\"conversations\":[{\"from\":\"gpt\",\"value\":false}]} | 'value'",
  })
  void shouldRejectANonStringWhereAStringIsExpectedNamingTheField(String why, String json, String field) {
    EntryParser.Outcome o = parse(json.replace("QA", QA));

    assertThat(o).isInstanceOfSatisfying(EntryParser.Rejected.class, r -> {
      assertThat(r.rejection().reason()).isEqualTo(Reason.BAD_FIELD);
      assertThat(r.rejection().detail()).contains(field);
    });
  }

  @Test
  void shouldRejectTooManyTurnsAsABadConversationNamingTheLimit() {
    String turn = "{\"from\":\"gpt\",\"value\":\"a\"},";
    String five = turn.repeat(5);

    EntryParser.Outcome o = parse("{" + conv(five.substring(0, five.length() - 1)) + "}");

    assertThat(o).isInstanceOfSatisfying(EntryParser.Rejected.class, r -> {
      assertThat(r.rejection().reason()).isEqualTo(Reason.BAD_CONVERSATION);
      assertThat(r.rejection().detail()).contains("5 turns, at most 4");
    });
  }
}
