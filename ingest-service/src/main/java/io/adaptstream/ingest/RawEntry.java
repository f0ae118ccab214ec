package io.adaptstream.ingest;

/**
 * One dataset entry as bytes, cut out of the file without parsing it.
 *
 * @param index position in the file: array index for LLaVA JSON, 0-based line number for JSONL
 * @param bytes the entry's raw bytes (at most the splitter's capture limit; what the DLQ record carries)
 * @param rejection why the entry is already known to be unusable (broken structure, oversize), or {@code null}
 */
record RawEntry(long index, byte[] bytes, Rejection rejection) {

  static RawEntry ok(long index, byte[] bytes) {
    return new RawEntry(index, bytes, null);
  }

  static RawEntry broken(long index, byte[] bytes, Reason reason, String detail) {
    return new RawEntry(index, bytes, new Rejection(reason, detail));
  }

  boolean isBroken() {
    return rejection != null;
  }
}
