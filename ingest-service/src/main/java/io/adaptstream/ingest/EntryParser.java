package io.adaptstream.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.adaptstream.avro.Speaker;
import io.adaptstream.avro.Split;
import io.adaptstream.avro.Turn;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns one entry's raw bytes into a {@link ParsedSample}, or says why it cannot be one.
 *
 * <p>Order of checks: strict UTF-8, JSON syntax, lone surrogates, then the fields. The text is decoded before
 * Jackson sees it so that an encoding error is reported as {@code invalid_utf8} at its byte offset rather than
 * as a parse error (Jackson would also decode some invalid sequences leniently).
 */
final class EntryParser {

  static final String IMAGE_PLACEHOLDER = "<image>";

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .build();

  private final ValidationLimits limits;

  EntryParser(ValidationLimits limits) {
    this.limits = limits;
  }

  /** Either a parsed sample or a rejection. */
  sealed interface Outcome permits Parsed, Rejected {}

  record Parsed(ParsedSample sample) implements Outcome {}

  record Rejected(Rejection rejection) implements Outcome {}

  Outcome parse(RawEntry entry) {
    try {
      return new Parsed(parseOrThrow(entry));
    } catch (Invalid e) {
      return new Rejected(e.rejection);
    }
  }

  private ParsedSample parseOrThrow(RawEntry entry) {
    if (entry.isBroken()) {
      throw new Invalid(entry.rejection().reason(), entry.rejection().detail());
    }
    String text = decodeStrict(entry.bytes());
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new Invalid(Reason.MALFORMED_JSON, e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr()));
    }
    if (node == null || !node.isObject()) {
      throw new Invalid(Reason.MALFORMED_JSON, "the entry is not a JSON object");
    }
    checkSurrogates(node, "");
    return fields(entry.index(), node);
  }

  private ParsedSample fields(long index, JsonNode node) {
    String sourceId = "#" + index;
    JsonNode id = node.get("id");
    if (id != null && !id.isNull()) {
      if (!(id.isTextual() || id.isIntegralNumber()) || id.asText().isEmpty()) {
        throw new Invalid(Reason.BAD_FIELD, "'id' must be a non-empty string or an integer, got " + id.getNodeType());
      }
      sourceId = id.asText();
    }

    Split split = Split.TRAIN;
    JsonNode splitNode = node.get("split");
    if (splitNode != null && !splitNode.isNull()) {
      if (!splitNode.isTextual()) {
        throw new Invalid(Reason.BAD_FIELD, "'split' must be \"train\" or \"test\", got " + splitNode.getNodeType());
      }
      split = switch (splitNode.asText()) {
        case "train" -> Split.TRAIN;
        case "test" -> Split.TEST;
        default -> throw new Invalid(Reason.BAD_FIELD,
            "'split' must be \"train\" or \"test\", got \"" + clip(splitNode.asText()) + "\"");
      };
    }

    String skill = null;
    JsonNode skillNode = node.get("skill");
    if (skillNode != null && !skillNode.isNull()) {
      if (!skillNode.isTextual()) {
        throw new Invalid(Reason.BAD_FIELD, "'skill' must be a string, got " + skillNode.getNodeType());
      }
      skill = skillNode.asText().isBlank() ? null : skillNode.asText();
    }

    List<Turn> turns = conversation(node.get("conversations"));
    List<String> images = imagePaths(node);
    if (images.size() > limits.maxImages()) {
      throw new Invalid(Reason.TOO_MANY_IMAGES, images.size() + " images, at most " + limits.maxImages() + " allowed");
    }
    int placeholders = 0;
    for (Turn t : turns) {
      placeholders += count(t.getValue(), IMAGE_PLACEHOLDER);
    }
    if (placeholders > images.size()) {
      throw new Invalid(Reason.BAD_CONVERSATION, placeholders + " '<image>' placeholders but " + images.size()
          + " image(s)");
    }
    return new ParsedSample(index, sourceId, split, skill, List.copyOf(turns), List.copyOf(images));
  }

  private List<Turn> conversation(JsonNode conv) {
    if (conv == null || conv.isNull()) {
      throw new Invalid(Reason.MISSING_FIELD, "'conversations' is missing");
    }
    if (!conv.isArray()) {
      throw new Invalid(Reason.BAD_FIELD, "'conversations' must be an array, got " + conv.getNodeType());
    }
    if (conv.isEmpty()) {
      throw new Invalid(Reason.EMPTY_CONVERSATION, "'conversations' is empty");
    }
    if (conv.size() > limits.maxTurns()) {
      throw new Invalid(Reason.BAD_CONVERSATION, conv.size() + " turns, at most " + limits.maxTurns() + " allowed");
    }
    List<Turn> turns = new ArrayList<>(conv.size());
    long textBytes = 0;
    boolean answered = false;
    for (int i = 0; i < conv.size(); i++) {
      JsonNode turn = conv.get(i);
      if (!turn.isObject()) {
        throw new Invalid(Reason.BAD_FIELD, "turn " + i + " must be an object, got " + turn.getNodeType());
      }
      JsonNode from = turn.get("from");
      JsonNode value = turn.get("value");
      if (from == null || from.isNull()) {
        throw new Invalid(Reason.MISSING_FIELD, "turn " + i + " has no 'from'");
      }
      if (value == null || value.isNull()) {
        throw new Invalid(Reason.MISSING_FIELD, "turn " + i + " has no 'value'");
      }
      if (!from.isTextual()) {
        throw new Invalid(Reason.BAD_FIELD, "turn " + i + ": 'from' must be a string, got " + from.getNodeType());
      }
      if (!value.isTextual()) {
        throw new Invalid(Reason.BAD_FIELD, "turn " + i + ": 'value' must be a string, got " + value.getNodeType());
      }
      Speaker speaker = switch (from.asText()) {
        case "human" -> Speaker.HUMAN;
        case "gpt" -> Speaker.GPT;
        default -> throw new Invalid(Reason.BAD_CONVERSATION,
            "turn " + i + " has unknown role \"" + clip(from.asText()) + "\" (expected human or gpt)");
      };
      String text = value.asText();
      if (text.isBlank()) {
        throw new Invalid(Reason.BAD_CONVERSATION, "turn " + i + " has no text");
      }
      textBytes += utf8Length(text);
      answered |= speaker == Speaker.GPT;
      turns.add(Turn.newBuilder().setFrom(speaker).setValue(text).build());
    }
    if (!answered) {
      throw new Invalid(Reason.BAD_CONVERSATION, "the conversation has no gpt turn");
    }
    if (textBytes > limits.maxTextBytes()) {
      throw new Invalid(Reason.TEXT_TOO_LONG,
          "the conversation has " + textBytes + " bytes of text, at most " + limits.maxTextBytes() + " allowed");
    }
    return turns;
  }

  private static List<String> imagePaths(JsonNode node) {
    JsonNode image = node.get("image");
    JsonNode images = node.get("images");
    boolean hasImage = image != null && !image.isNull();
    boolean hasImages = images != null && !images.isNull();
    if (hasImage && hasImages) {
      throw new Invalid(Reason.BAD_FIELD, "both 'image' and 'images' are given; use one");
    }
    if (!hasImage && !hasImages) {
      return List.of(); // a text-only sample
    }
    String field = hasImage ? "image" : "images";
    JsonNode value = hasImage ? image : images;
    List<String> paths = new ArrayList<>();
    if (value.isTextual()) {
      paths.add(value.asText());
    } else if (value.isArray()) {
      for (JsonNode p : value) {
        if (!p.isTextual()) {
          throw new Invalid(Reason.BAD_FIELD, "'" + field + "' must hold strings, got " + p.getNodeType());
        }
        paths.add(p.asText());
      }
    } else {
      throw new Invalid(Reason.BAD_FIELD, "'" + field + "' must be a string or an array of strings, got "
          + value.getNodeType());
    }
    for (String p : paths) {
      if (p.isEmpty()) {
        throw new Invalid(Reason.BAD_FIELD, "'" + field + "' holds an empty path");
      }
    }
    return paths;
  }

  /**
   * Decodes strictly: a malformed or unmappable sequence is an error, never a replacement character.
   */
  static String decodeStrict(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult r = decoder.decode(in, out, true);
    if (r.isError()) {
      throw new Invalid(Reason.INVALID_UTF8, "invalid UTF-8 at byte " + in.position() + " of the entry");
    }
    r = decoder.flush(out);
    if (r.isError()) {
      throw new Invalid(Reason.INVALID_UTF8, "invalid UTF-8 at the end of the entry");
    }
    out.flip();
    return out.toString();
  }

  /** JSON {@code \\u} escapes can encode half a surrogate pair, which is no Unicode text at all. */
  private static void checkSurrogates(JsonNode node, String path) {
    if (node.isTextual()) {
      checkSurrogates(node.asText(), path);
    } else if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        checkSurrogates(e.getKey(), path + "/" + e.getKey());
        checkSurrogates(e.getValue(), path + "/" + e.getKey());
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        checkSurrogates(node.get(i), path + "/" + i);
      }
    }
  }

  private static void checkSurrogates(String s, String path) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new Invalid(Reason.INVALID_UTF8, "lone surrogate \\u" + String.format("%04x", (int) c)
            + " in " + (path.isEmpty() ? "the entry" : clip(path)));
      }
    }
  }

  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  static String clip(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  /** Control flow for the first failed check; carries no stack trace. */
  static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Rejection rejection;

    Invalid(Reason reason, String detail) {
      super(detail, null, false, false);
      this.rejection = new Rejection(reason, detail);
    }
  }
}
