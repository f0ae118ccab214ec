package io.adaptstream.ingest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Cuts a top-level JSON array into its elements' raw bytes, one element at a time, without parsing them.
 *
 * <p>Why by hand instead of Jackson's streaming parser: a dataset of hundreds of thousands of samples must be
 * read in constant memory, and one bad entry must not cost the others. Jackson streams fine, but it cannot
 * resume after an error inside a token (invalid UTF-8 inside a string, a syntax error): the parser is dead from
 * there on, and everything after the bad entry would be lost. So the boundaries are found here at byte level
 * and each element is then decoded (strict UTF-8) and parsed on its own.
 *
 * <p>Working on bytes is safe for UTF-8 input: every byte of a multibyte sequence is {@code >= 0x80}, so the
 * structural bytes ({@code { } [ ] " \ ,}) are unambiguous even when the text between them is not valid UTF-8.
 * The splitter tracks nesting depth, strings and escapes only.
 *
 * <p>Structural damage is reported as entries with {@link Reason#MALFORMED_JSON}: a file that is not an array,
 * a truncated file (the unfinished entry is reported with what was read of it), a missing comma (the entry
 * after it is rejected), an element that is not an object, content after the closing bracket. A trailing
 * comma before {@code ]} is tolerated. Entries larger than the cap are rejected with
 * {@link Reason#TEXT_TOO_LONG}, and only their first bytes are kept.
 */
final class JsonArraySplitter implements EntrySource {

  private enum State { START, FIRST, AFTER_VALUE, AFTER_COMMA, AFTER_END, DONE }

  private final ByteReader in;
  private final CappedBuffer entry;
  private final int maxEntryBytes;
  private State state = State.START;
  private long index;

  JsonArraySplitter(InputStream in, int maxEntryBytes) {
    this.in = new ByteReader(in);
    this.maxEntryBytes = maxEntryBytes;
    this.entry = new CappedBuffer(maxEntryBytes);
  }

  @Override
  public RawEntry next() throws IOException {
    boolean missingComma = false;
    while (true) {
      switch (state) {
        case DONE -> {
          return null;
        }
        case START -> {
          if (!skipBom()) {
            state = State.DONE;
            return RawEntry.broken(0, rest(), Reason.MALFORMED_JSON,
                "the file starts with a broken UTF-8 byte order mark");
          }
          int c = skipWhitespace();
          if (c == '[') {
            state = State.FIRST;
            continue;
          }
          state = State.DONE;
          if (c < 0) {
            return RawEntry.broken(0, new byte[0], Reason.MALFORMED_JSON, "the file is empty, expected a JSON array");
          }
          in.unread();
          return RawEntry.broken(0, rest(), Reason.MALFORMED_JSON,
              "the file is not a JSON array: it starts with '" + printable(c) + "'");
        }
        case FIRST, AFTER_COMMA -> {
          int c = skipWhitespace();
          if (c == ']') {
            state = State.AFTER_END; // "[]" or a tolerated trailing comma
            continue;
          }
          if (c < 0) {
            state = State.DONE;
            return RawEntry.broken(index, new byte[0], Reason.MALFORMED_JSON,
                "truncated file: it ends at byte " + in.offset() + " before the array is closed");
          }
          return element(c, missingComma);
        }
        case AFTER_VALUE -> {
          int c = skipWhitespace();
          if (c == ',') {
            state = State.AFTER_COMMA;
          } else if (c == ']') {
            state = State.AFTER_END;
          } else if (c < 0) {
            state = State.DONE;
            return RawEntry.broken(index, new byte[0], Reason.MALFORMED_JSON,
                "truncated file: it ends at byte " + in.offset() + " before the array is closed");
          } else {
            // the next element starts without a comma: reject it, keep going
            missingComma = true;
            in.unread();
            state = State.AFTER_COMMA;
          }
        }
        case AFTER_END -> {
          int c = skipWhitespace();
          state = State.DONE;
          if (c < 0) {
            return null;
          }
          in.unread();
          long at = in.offset();
          return RawEntry.broken(index, rest(), Reason.MALFORMED_JSON,
              "content after the closing ']' of the array at byte " + at);
        }
        default -> throw new IllegalStateException("unexpected state " + state);
      }
    }
  }

  /** Reads one element whose first byte is {@code first}; leaves the reader after it. */
  private RawEntry element(int first, boolean missingComma) throws IOException {
    long start = in.offset() - 1;
    long at = index++;
    entry.clear();
    entry.add(first);
    boolean container = first == '{' || first == '[';
    int depth = container ? 1 : 0;
    boolean inString = first == '"';
    boolean escaped = false;
    while (!(container && depth == 0)) {
      int b = in.read();
      if (b < 0) {
        state = State.DONE;
        return RawEntry.broken(at, entry.bytes(), Reason.MALFORMED_JSON,
            "truncated file: it ends inside the entry that starts at byte " + start);
      }
      if (inString) {
        entry.add(b);
        if (escaped) {
          escaped = false;
        } else if (b == '\\') {
          escaped = true;
        } else if (b == '"') {
          inString = false;
        }
        continue;
      }
      if (!container && depth <= 0 && (b == ',' || b == ']' || isWhitespace(b))) {
        in.unread(); // a scalar (or string) element ends before its delimiter
        break;
      }
      entry.add(b);
      switch (b) {
        case '"' -> inString = true;
        case '{', '[' -> depth++;
        case '}', ']' -> depth--;
        default -> {
          // any other byte is content
        }
      }
    }
    state = State.AFTER_VALUE;
    if (entry.overflowed()) {
      return RawEntry.broken(at, entry.bytes(), Reason.TEXT_TOO_LONG,
          "the entry is " + entry.total() + " bytes, more than the " + maxEntryBytes + " allowed");
    }
    if (missingComma) {
      return RawEntry.broken(at, entry.bytes(), Reason.MALFORMED_JSON,
          "missing ',' before the entry that starts at byte " + start);
    }
    if (first != '{') {
      return RawEntry.broken(at, entry.bytes(), Reason.MALFORMED_JSON,
          "array element " + at + " is not a JSON object");
    }
    return RawEntry.ok(at, entry.bytes());
  }

  /** Skips a UTF-8 byte order mark; {@code false} when the file starts with a broken one. */
  private boolean skipBom() throws IOException {
    int b0 = in.read();
    if (b0 != 0xEF) {
      if (b0 >= 0) {
        in.unread();
      }
      return true;
    }
    // a UTF-8 byte order mark is EF BB BF; anything else starting with EF is not JSON anyway
    return in.read() == 0xBB && in.read() == 0xBF;
  }

  private int skipWhitespace() throws IOException {
    int c;
    do {
      c = in.read();
    } while (c >= 0 && isWhitespace(c));
    return c;
  }

  /** The rest of the file, capped; reads to the end so the fingerprint covers every byte. */
  private byte[] rest() throws IOException {
    entry.clear();
    int b;
    while ((b = in.read()) >= 0) {
      entry.add(b);
    }
    return entry.bytes();
  }

  private static boolean isWhitespace(int b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  private static String printable(int c) {
    return c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("0x%02x", c);
  }
}
