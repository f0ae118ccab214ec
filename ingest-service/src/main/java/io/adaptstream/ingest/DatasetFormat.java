package io.adaptstream.ingest;

import java.nio.file.Path;
import java.util.Locale;

/** How a dataset file is laid out: one LLaVA JSON array, or JSON Lines (one sample object per line). */
public enum DatasetFormat {
  LLAVA,
  JSONL;

  /** {@code .jsonl} files are JSON Lines; everything else is read as a LLaVA JSON array. */
  public static DatasetFormat detect(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".jsonl") ? JSONL : LLAVA;
  }
}
