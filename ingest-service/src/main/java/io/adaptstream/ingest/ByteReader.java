package io.adaptstream.ingest;

import java.io.IOException;
import java.io.InputStream;

/**
 * A byte-at-a-time reader over an input stream with its own buffer, one byte of push-back and a count of the
 * bytes consumed. (BufferedInputStream's read() is synchronized and has no push-back; PushbackInputStream has
 * no offset; this is the few lines the splitters need.)
 */
final class ByteReader {

  private final InputStream in;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;
  private long offset;

  ByteReader(InputStream in) {
    this.in = in;
  }

  /** The next byte (0-255) or -1 at the end. */
  int read() throws IOException {
    if (pos == limit) {
      limit = in.read(buf, 0, buf.length);
      pos = 0;
      if (limit <= 0) {
        limit = 0;
        return -1;
      }
    }
    offset++;
    return buf[pos++] & 0xff;
  }

  /** Gives back the byte just read. */
  void unread() {
    if (pos == 0) {
      throw new IllegalStateException("nothing to unread");
    }
    pos--;
    offset--;
  }

  /** Bytes consumed so far. */
  long offset() {
    return offset;
  }
}
