package io.adaptstream.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
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
 * <p>Order of checks: strict UTF-8, nesting depth, JSON syntax (with duplicate keys), lone surrogates anywhere,
 * then the fields, each with the {@link TextPolicy} of its kind. The text is decoded before Jackson sees it so
 * that an encoding error is reported as {@code invalid_utf8} at its byte offset rather than as a parse error
 * (Jackson would also decode some invalid sequences leniently). The depth is checked before parsing so that a
 * deeply nested value costs neither stack nor a tree; Jackson's own nesting constraint is set to the same limit
 * as a second guard.
 */
final class EntryParser {

  static final String IMAGE_PLACEHOLDER = "<image>";

  /**
   * How Jackson's duplicate detection ({@link StreamReadFeature#STRICT_DUPLICATE_DETECTION}) words its error; it
   * throws a plain {@link JsonParseException}, so the message is the only way to tell it from a syntax error
   * ({@code EntryParserTest} pins it).
   */
  static final String JACKSON_DUPLICATE_MESSAGE = "Duplicate field '";

  private final ValidationLimits limits;
  private final ObjectMapper json;

  EntryParser(ValidationLimits limits) {
    this.limits = limits;
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(limits.maxNestingDepth()).build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        .build();
    this.json = JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
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
    checkDepth(text, limits.maxNestingDepth());
    JsonNode node;
    try {
      node = json.readTree(text);
    } catch (JsonProcessingException e) {
      String message = String.valueOf(e.getOriginalMessage());
      Reason reason = e instanceof JsonParseException && message.startsWith(JACKSON_DUPLICATE_MESSAGE)
          ? Reason.DUPLICATE_KEY : Reason.MALFORMED_JSON;
      throw new Invalid(reason, message
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
      TextPolicy.check(sourceId, TextPolicy.Kind.IDENTIFIER, "'id'");
      int chars = sourceId.codePointCount(0, sourceId.length());
      if (chars > limits.maxIdChars()) {
        throw new Invalid(Reason.ID_TOO_LONG, "'id' is " + chars + " characters, at most " + limits.maxIdChars()
            + " allowed");
      }
    }

    Split split = Split.TRAIN;
    JsonNode splitNode = node.get("split");
    if (splitNode != null && !splitNode.isNull()) {
      if (!splitNode.isTextual()) {
        throw new Invalid(Reason.BAD_FIELD, "'split' must be \"train\" or \"test\", got " + splitNode.getNodeType());
      }
      TextPolicy.check(splitNode.asText(), TextPolicy.Kind.IDENTIFIER, "'split'");
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
      TextPolicy.check(skillNode.asText(), TextPolicy.Kind.IDENTIFIER, "'skill'");
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
      TextPolicy.check(from.asText(), TextPolicy.Kind.IDENTIFIER, "turn " + i + ": 'from'");
      TextPolicy.check(value.asText(), TextPolicy.Kind.CONVERSATION, "turn " + i + ": 'value'");
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
    for (int i = 0; i < paths.size(); i++) {
      if (paths.get(i).isEmpty()) {
        throw new Invalid(Reason.BAD_FIELD, "'" + field + "' holds an empty path");
      }
      TextPolicy.check(paths.get(i), TextPolicy.Kind.IDENTIFIER, "'" + field + "' path " + i);
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
      int at = in.position();
      if (at + 1 < bytes.length && (bytes[at] & 0xFF) == 0xED && (bytes[at + 1] & 0xE0) == 0xA0) {
        // ED A0..BF xx is a UTF-16 surrogate encoded as UTF-8 bytes (CESU-8/WTF-8): the same defect as a
        // lone \ud800 escape, so the same reason
        throw new Invalid(Reason.INVALID_TEXT, "a surrogate code point encoded as UTF-8 bytes at byte " + at
            + " of the entry");
      }
      throw new Invalid(Reason.INVALID_UTF8, "invalid UTF-8 at byte " + at + " of the entry");
    }
    r = decoder.flush(out);
    if (r.isError()) {
      throw new Invalid(Reason.INVALID_UTF8, "invalid UTF-8 at the end of the entry");
    }
    out.flip();
    return out.toString();
  }

  /**
   * Rejects an entry whose arrays and objects nest deeper than {@code max}, counting brackets outside strings
   * (the entry object is depth 1). A plain scan rather than the parser, because the parser can only say that
   * some constraint was hit, and this way a deep entry is refused before anything is built from it.
   */
  static void checkDepth(String text, int max) {
    int depth = 0;
    boolean inString = false;
    boolean escaped = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (++depth > max) {
          throw new Invalid(Reason.TOO_DEEP, "arrays and objects nest deeper than " + max + " (at character " + i
              + " of the entry)");
        }
      } else if (c == ']' || c == '}') {
        depth--;
      }
    }
  }

  /**
   * JSON {@code \\u} escapes can encode half a surrogate pair, which is no Unicode text at all: checked in every
   * string, names and unread fields included. Recursive, bounded by the nesting limit checked before parsing.
   */
  private static void checkSurrogates(JsonNode node, String path) {
    if (node.isTextual()) {
      TextPolicy.checkSurrogates(node.asText(), path.isEmpty() ? "the entry" : path);
    } else if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        TextPolicy.checkSurrogates(e.getKey(), "a field name under " + (path.isEmpty() ? "/" : path));
        checkSurrogates(e.getValue(), path + "/" + e.getKey());
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        checkSurrogates(node.get(i), path + "/" + i);
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
