package io.adaptstream.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline's sample id of every entry of a dataset file, keyed by the entry's own {@code id} field.
 *
 * <p>Why: the pipeline names a sample by the sha256 of its content ({@link SampleIds}), not by the id the file
 * gives it, so whatever lists pipeline ids (a run's selections) can only be joined with per-entry facts kept
 * outside the pipeline (a benchmark's annotations, keyed by the file's id) through this map. It parses each
 * entry and hashes its images exactly as publishing does; entries publishing would reject are left out, and an
 * entry without an {@code id} is keyed {@code #<index>}, as publishing records it. Nothing is published.
 */
public final class SourceIds {

  private SourceIds() {}

  /**
   * @param file a LLaVA JSON array or JSON Lines file ({@link DatasetFormat#detect})
   * @param imageRoot the directory the file's image paths are relative to
   * @return the file's id → the pipeline's sample id, in file order
   */
  public static Map<String, String> of(Path file, Path imageRoot) throws IOException {
    ValidationLimits limits = ValidationLimits.defaults();
    EntryParser parser = new EntryParser(limits);
    ImageInspector images = new ImageInspector(imageRoot, limits);
    Map<String, String> out = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(file)) {
      EntrySource entries = EntrySource.of(DatasetFormat.detect(file), in, limits.maxEntryBytes());
      for (RawEntry entry = entries.next(); entry != null; entry = entries.next()) {
        if (!(parser.parse(entry) instanceof EntryParser.Parsed parsed)) {
          continue;
        }
        ParsedSample s = parsed.sample();
        List<String> shas;
        try {
          shas = s.imagePaths().stream().map(p -> images.inspect(p).sha256()).toList();
        } catch (EntryParser.Invalid e) {
          continue; // publishing rejects it too
        }
        out.put(s.sourceId(), SampleIds.of(s.split(), s.turns(), shas));
      }
    }
    return out;
  }
}
