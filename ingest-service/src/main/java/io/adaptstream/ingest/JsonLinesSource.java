package io.adaptstream.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of a JSON Lines file as entries; blank lines are skipped, and an entry's index is its 0-based line
 * number so an operator finds it with {@code sed -n}. A line longer than the cap is rejected with
 * {@link Reason#TEXT_TOO_LONG}; only its first bytes are kept. A UTF-8 byte order mark at the start of the
 * file is skipped; anything else that is not JSON (a broken mark included) is left to the parser, so it costs
 * only its own line.
 */
final class JsonLinesSource implements EntrySource {

  private final ByteReader in;
  private final CappedBuffer line;
  private final int maxEntryBytes;
  private long lineNo = -1;
  private boolean done;

  JsonLinesSource(InputStream in, int maxEntryBytes) {
    this.in = new ByteReader(in);
    this.maxEntryBytes = maxEntryBytes;
    this.line = new CappedBuffer(maxEntryBytes);
  }

  @Override
  public RawEntry next() throws IOException {
    while (!done) {
      lineNo++;
      line.clear();
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        line.add(b);
      }
      if (b < 0) {
        done = true;
      }
      byte[] bytes = line.bytes();
      int start = lineNo == 0 && startsWithBom(bytes) ? 3 : 0; // a byte order mark of the file
      int end = bytes.length;
      while (end > start && (bytes[end - 1] == '\r' || bytes[end - 1] == ' ' || bytes[end - 1] == '\t')) {
        end--;
      }
      if (end == start && !line.overflowed()) {
        continue; // a blank line
      }
      if (line.overflowed()) {
        return RawEntry.broken(lineNo, bytes, Reason.TEXT_TOO_LONG,
            "line " + (lineNo + 1) + " is " + line.total() + " bytes, more than the " + maxEntryBytes + " allowed");
      }
      return RawEntry.ok(lineNo, start == 0 && end == bytes.length ? bytes : Arrays.copyOfRange(bytes, start, end));
    }
    return null;
  }

  private static boolean startsWithBom(byte[] bytes) {
    return bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF;
  }
}
