package io.adaptstream.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.avro.Release;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The outcome of a publish: the release's sequence and how many entries were accepted, collapsed as exact
 * duplicates, or rejected (by reason code).
 *
 * @param release the release name
 * @param sequence 0 for the pretraining release, 1, 2, ... for task releases in seal order
 * @param accepted distinct samples of the release on the ingest topic
 * @param duplicates entries that repeated an earlier sample of the release exactly
 * @param rejected dead-lettered entries per reason code, sorted by code
 * @param alreadySealed whether the release had been sealed before with the same file (nothing was written)
 * @param partitionCounts samples of the release per ingest partition (the seal markers' counts)
 */
public record IngestResult(String release, int sequence, long accepted, long duplicates, Map<String, Long> rejected,
    boolean alreadySealed, List<Long> partitionCounts) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public IngestResult {
    Objects.requireNonNull(release, "release");
    SortedMap<String, Long> sorted = new TreeMap<>(rejected == null ? Map.of() : rejected);
    rejected = Collections.unmodifiableSortedMap(sorted);
    partitionCounts = List.copyOf(partitionCounts == null ? List.of() : partitionCounts);
  }

  /** The result stored in a SEALED release record. */
  static IngestResult of(Release sealed, boolean alreadySealed) {
    return new IngestResult(sealed.getName(), sealed.getSequence(), sealed.getAccepted(), sealed.getDuplicates(),
        sealed.getRejected(), alreadySealed, sealed.getPartitionCounts());
  }

  /** All rejected entries, whatever the reason. */
  public long rejectedTotal() {
    return rejected.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * One line: {@code {"release":...,"sequence":N,"accepted":N,"duplicates":N,"rejected":{"<reason>":N,...}}}, the
   * line {@code adapt publish} prints and the drop-folder service writes to {@code <name>.result.json}.
   */
  public String toJson() {
    ObjectNode node = JSON.createObjectNode()
        .put("release", release)
        .put("sequence", sequence)
        .put("accepted", accepted)
        .put("duplicates", duplicates);
    ObjectNode reasons = node.putObject("rejected");
    rejected.forEach(reasons::put);
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a result as JSON", e);
    }
  }
}
