package io.adaptstream.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a dataset file through what {@link IngestJob} does before it produces anything: the format's
 * {@link EntrySource}, then {@link EntryProcessor} (parse, validate, inspect and store images, collapse
 * duplicates). No exception is caught here, so a test sees any that escapes the core.
 */
final class CoreRun {

  /** What became of one entry of the file. */
  record Outcome(long index, EntryProcessor.Result result) {

    boolean accepted() {
      return result instanceof EntryProcessor.Accepted;
    }

    /** The source id of an accepted sample, else {@code null}. */
    String sourceId() {
      return result instanceof EntryProcessor.Accepted a ? a.sample().getSourceId() : null;
    }

    /** The reason of a rejected entry, else {@code null}. */
    Reason reason() {
      return result instanceof EntryProcessor.Rejected r ? r.rejection().reason() : null;
    }
  }

  private CoreRun() {}

  static List<Outcome> run(DatasetFormat format, byte[] file, EntryProcessor processor) {
    ValidationLimits limits = ValidationLimits.defaults();
    EntrySource source = EntrySource.of(format, new ByteArrayInputStream(file), limits.maxEntryBytes());
    List<Outcome> outcomes = new ArrayList<>();
    try {
      for (RawEntry entry = source.next(); entry != null; entry = source.next()) {
        outcomes.add(new Outcome(entry.index(), processor.process(entry)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory stream does not fail; a source that throws is a bug
    }
    return outcomes;
  }

  /** A JSON Lines file of the given raw entries, one per line. */
  static byte[] lines(List<byte[]> entries) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] e : entries) {
      out.writeBytes(e);
      out.write('\n');
    }
    return out.toByteArray();
  }

  /** The file of the given raw entries in the given format. */
  static byte[] file(DatasetFormat format, List<byte[]> entries) {
    return format == DatasetFormat.JSONL ? lines(entries) : Fixtures.array(entries.toArray(new byte[0][]));
  }
}
