package io.adaptstream.ingest;

import java.io.IOException;
import java.io.InputStream;

/**
 * The lines of a JSON Lines file as entries; blank lines are skipped, and an entry's index is its 0-based line
 * number so an operator finds it with {@code sed -n}. A line longer than the cap is rejected with
 * {@link Reason#TEXT_TOO_LONG}; only its first bytes are kept.
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
      boolean blank = true;
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        if (lineNo == 0 && line.total() == 0 && b == 0xEF) {
          if (in.read() == 0xBB && in.read() == 0xBF) {
            continue; // byte order mark
          }
          throw new IOException("the file starts with a broken UTF-8 byte order mark");
        }
        line.add(b);
        blank &= b == ' ' || b == '\t' || b == '\r';
      }
      if (b < 0) {
        done = true;
      }
      if (blank) {
        continue;
      }
      if (line.overflowed()) {
        return RawEntry.broken(lineNo, line.bytes(), Reason.TEXT_TOO_LONG,
            "line " + (lineNo + 1) + " is " + line.total() + " bytes, more than the " + maxEntryBytes + " allowed");
      }
      byte[] bytes = line.bytes();
      int end = bytes.length;
      while (end > 0 && (bytes[end - 1] == '\r' || bytes[end - 1] == ' ' || bytes[end - 1] == '\t')) {
        end--;
      }
      return RawEntry.ok(lineNo, end == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, end));
    }
    return null;
  }
}
