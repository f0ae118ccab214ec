package io.adaptstream.trainer;

import io.adaptstream.avro.Selection;
import io.adaptstream.avro.Split;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.runtime.step.StepTally;
import io.adaptstream.schemas.PoisonReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Collects one step's selections from every partition of the selections topic and decides, partition by
 * partition, when the step is complete (the step protocol of {@code docs/architecture.md}).
 *
 * <p>Step {@code t} is complete on partition {@code q} when markers of step {@code t} from all
 * {@code sourcePartitions} sources have arrived on {@code q}; their counts must then add up to the step's data
 * records received on {@code q}. Each source writes its data before its marker, so once every marker is in,
 * nothing of the step can follow: a count that does not add up is reported (the completing marker goes to the
 * dead-letter topic with both numbers) rather than waited on forever. Records of earlier steps are skipped (a
 * restart may re-read them); records of later steps cannot precede this step's completion on a partition, so
 * they are dead letters. Data records that are unusable still count, as the protocol says.
 *
 * <p>The counting rule is the protocol's one, {@link StepTally} (shared with the selector, which waits for the
 * counts where this closes the step and reports them: see there why). Kafka-free so that the rule can be tested
 * alone; {@code R} is whatever the caller needs to find a record again (the service keeps the raw consumer record,
 * for dead letters).
 *
 * @param <R> the caller's reference to a selection's source record
 */
final class StepAssembler<R> {

  /** What the caller does with a record. */
  enum Kind {
    /** A usable selection of this step (kept). */
    SELECTION,
    /** A marker of this step (taken into account). */
    MARKER,
    /** Nothing to do: an earlier step's record or a repeated marker. */
    SKIPPED,
    /** Send the record to the dead-letter topic with {@link Verdict#reason()}. */
    DEAD_LETTER
  }

  /** The outcome of offering one record. */
  record Verdict(Kind kind, String reason, String detail) {

    static final Verdict SELECTION = new Verdict(Kind.SELECTION, null, null);
    static final Verdict MARKER = new Verdict(Kind.MARKER, null, null);

    static Verdict skipped(String detail) {
      return new Verdict(Kind.SKIPPED, null, detail);
    }

    static Verdict deadLetter(String reason, String detail) {
      return new Verdict(Kind.DEAD_LETTER, Objects.requireNonNull(reason), detail);
    }
  }

  /** A kept selection and the caller's reference to its record. */
  record Selected<R>(Selection selection, int partition, long offset, R ref) {}

  private final int step;
  private final Barrier[] barriers;
  private final Map<String, Selected<R>> selections = new TreeMap<>();

  StepAssembler(int step, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1");
    }
    this.step = step;
    this.barriers = new Barrier[partitions];
    for (int p = 0; p < partitions; p++) {
      barriers[p] = new Barrier();
    }
  }

  int step() {
    return step;
  }

  int partitions() {
    return barriers.length;
  }

  /** A {@link Selection} read from {@code partition} at {@code offset} with record key {@code key}. */
  Verdict offerSelection(int partition, long offset, String key, Selection s, R ref) {
    Barrier b = open(partition);
    if (s.getStep() < step) {
      return Verdict.skipped("selection of step " + s.getStep() + " (before step " + step + ")");
    }
    if (s.getStep() > step) {
      return Verdict.deadLetter(PoisonReason.UNKNOWN_STEP.code(), "a selection of step " + s.getStep()
          + " arrived on partition " + partition + " while step " + step + " was not complete there");
    }
    Verdict v = checkSelection(key, s);
    b.tally.countData(v != null);
    if (v != null) {
      return v;
    }
    selections.put(s.getSampleId(), new Selected<>(s, partition, offset, ref));
    return Verdict.SELECTION;
  }

  /** Why a selection of this step cannot be trained on, or null when it can. */
  private Verdict checkSelection(String key, Selection s) {
    String id = s.getSampleId();
    if (s.getSample() == null || !Objects.equals(id, s.getSample().getId())) {
      return Verdict.deadLetter("inconsistent_selection", "selection names sample " + id + " but carries "
          + (s.getSample() == null ? "no sample" : "sample " + s.getSample().getId()));
    }
    if (!Objects.equals(key, id)) {
      return Verdict.deadLetter("inconsistent_selection", "record key " + key + " is not the sample id " + id);
    }
    if (s.getSample().getSplit() != Split.TRAIN) {
      return Verdict.deadLetter("test_sample_selected", "sample " + id + " of release " + s.getSample().getRelease()
          + " is a " + s.getSample().getSplit() + " sample; training on it would leak the evaluation");
    }
    if (selections.containsKey(id)) {
      return Verdict.deadLetter("duplicate_selection", "sample " + id + " was already selected for step " + step
          + " (partition " + selections.get(id).partition() + ", offset " + selections.get(id).offset() + ")");
    }
    return null;
  }

  /** A {@link StepMarker} read from {@code partition} at {@code offset}. */
  Verdict offerMarker(int partition, long offset, StepMarker m) {
    Barrier b = open(partition);
    if (m.getStep() < step) {
      return Verdict.skipped("marker of step " + m.getStep() + " (before step " + step + ")");
    }
    if (m.getStep() > step) {
      return Verdict.deadLetter(PoisonReason.UNKNOWN_STEP.code(), "a marker of step " + m.getStep()
          + " arrived on partition " + partition + " while step " + step + " was not complete there");
    }
    if (m.getTargetPartition() >= 0 && m.getTargetPartition() != partition) {
      return Verdict.deadLetter("misaddressed_marker", "marker for partition " + m.getTargetPartition()
          + " arrived on partition " + partition);
    }
    int sources = m.getSourcePartitions();
    if (sources < 1 || m.getSourcePartition() < 0 || m.getSourcePartition() >= sources || m.getCount() < 0) {
      return Verdict.deadLetter("invalid_marker", "source " + m.getSourcePartition() + " of " + sources
          + " sources, count " + m.getCount());
    }
    StepTally t = b.tally;
    int earlierSources = t.sources();
    Long earlier = t.marker(m.getSourcePartition());
    switch (t.addMarker(m.getSourcePartition(), sources, m.getCount())) {
      case OTHER_SOURCES -> {
        return Verdict.deadLetter("invalid_marker", "marker says " + sources + " sources, earlier markers of step "
            + step + " on partition " + partition + " said " + earlierSources);
      }
      case REPEATED -> {
        return Verdict.skipped("repeated marker of source " + m.getSourcePartition());
      }
      case CONFLICTING -> {
        return Verdict.deadLetter("conflicting_marker", "source " + m.getSourcePartition() + " counted " + earlier
            + " records before, now " + m.getCount());
      }
      default -> {
        // accepted: counted below
      }
    }
    if (!t.allMarkersIn()) {
      return Verdict.MARKER;
    }
    // every marker is in, so nothing of the step can follow: close it, and report counts that do not add up
    b.complete = true;
    b.nextOffset = offset + 1;
    if (!t.addsUp()) {
      return Verdict.deadLetter("step_count_mismatch", "step " + step + " on partition " + partition + ": the "
          + sources + " markers count " + t.expected() + " records but " + t.received()
          + " arrived; the step is closed with what arrived");
    }
    return Verdict.MARKER;
  }

  /**
   * A record whose value could not be read ({@code reason}: a {@link PoisonReason} code): it still counts toward
   * the step it arrived in.
   */
  Verdict offerUnreadable(int partition, PoisonReason reason, String detail) {
    open(partition).tally.countData(true);
    return Verdict.deadLetter(reason.code(), detail);
  }

  boolean isComplete(int partition) {
    return barriers[partition].complete;
  }

  boolean isComplete() {
    for (Barrier b : barriers) {
      if (!b.complete) {
        return false;
      }
    }
    return true;
  }

  /** Where the next step starts on {@code partition}: just past this step's completing marker. */
  long nextOffset(int partition) {
    Barrier b = barriers[partition];
    if (!b.complete) {
      throw new IllegalStateException("step " + step + " is not complete on partition " + partition);
    }
    return b.nextOffset;
  }

  /** The kept selections, in sample id order (the order training sees them in, whatever the arrival order). */
  List<Selected<R>> selections() {
    return new ArrayList<>(selections.values());
  }

  /** Per partition: received data records, markers in / sources, complete or not (for progress logs). */
  String progress() {
    StringBuilder sb = new StringBuilder();
    for (int p = 0; p < barriers.length; p++) {
      Barrier b = barriers[p];
      StepTally t = b.tally;
      sb.append(p == 0 ? "" : ", ").append('p').append(p).append(": ").append(t.received()).append(" records, ")
          .append(t.markersIn()).append('/').append(t.sources() > 0 ? Integer.toString(t.sources()) : "?")
          .append(" markers").append(b.complete ? " (complete)" : "");
    }
    return sb.toString();
  }

  private Barrier open(int partition) {
    if (partition < 0 || partition >= barriers.length) {
      throw new IllegalArgumentException("partition " + partition + " outside [0, " + barriers.length + ")");
    }
    Barrier b = barriers[partition];
    if (b.complete) {
      throw new IllegalStateException("step " + step + " is already complete on partition " + partition
          + "; later records belong to the next step");
    }
    return b;
  }

  /** One partition's view of the step: the protocol's tally, and where the step ended. */
  private static final class Barrier {
    final StepTally tally = new StepTally();
    boolean complete;
    long nextOffset = -1;
  }
}
