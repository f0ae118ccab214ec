package io.adaptstream.ingest;

import java.io.IOException;
import java.io.InputStream;

/** Streams the entries of a dataset file one at a time, never holding more than one entry in memory. */
interface EntrySource {

  /** The next entry, or {@code null} at the end of the file. */
  RawEntry next() throws IOException;

  static EntrySource of(DatasetFormat format, InputStream in, int maxEntryBytes) {
    return switch (format) {
      case LLAVA -> new JsonArraySplitter(in, maxEntryBytes);
      case JSONL -> new JsonLinesSource(in, maxEntryBytes);
    };
  }
}
