package io.adaptstream.selector.topology;

import io.adaptstream.avro.StepBarrier;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.runtime.step.StepTally;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The step protocol's barrier on one partition, kept in a store so it survives restarts and rebalances.
 *
 * <p>A step is complete on a partition when markers from every source have arrived (the number of sources comes
 * from the markers themselves) and the data records received for the step, dead letters included, add up to the
 * markers' counts. Each source's data precedes its marker in the partition, so once every marker is in nothing
 * can still be missing; the count check catches a broken writer. A source's second marker for a step is ignored,
 * so a replayed marker cannot complete a step twice.
 *
 * <p>The rule is the protocol's one, {@link StepTally}'s, applied to the numbers this keeps in the store (the
 * trainer applies it to a step it assembles in memory; StepTally says how the two differ, and why).
 */
final class StepBarriers {

  /** What became of a marker. */
  enum MarkerOutcome { ACCEPTED, DUPLICATE, LATE }

  private final KeyValueStore<String, StepBarrier> store;
  /**
   * The barrier last read or written (saves decoding it again for every record). Only this object writes the
   * store, so the memo is what the store holds; it lives as long as the processor that made this object, and Kafka
   * Streams initialises processors anew whenever it restores their task (after an aborted transaction too), so
   * nothing read before a rolled-back write survives here.
   */
  private StepBarrier memo;
  /** The highest step finished here, once read from the store (-1: not read yet); kept by {@link #finish}. */
  private int lastFinished = -1;

  StepBarriers(KeyValueStore<String, StepBarrier> store) {
    this.store = store;
  }

  /** The step's barrier, or an empty one. */
  StepBarrier get(int step) {
    if (memo != null && memo.getStep() == step) {
      return memo;
    }
    StepBarrier b = store.get(StepKeys.step(step));
    memo = b != null ? b : StepBarrier.newBuilder().setStep(step).setReceived(0).setDeadLetters(0).setSources(0)
        .setMarkers(new HashMap<>()).setComplete(false).build();
    return memo;
  }

  void put(StepBarrier barrier) {
    store.put(StepKeys.step(barrier.getStep()), barrier);
    memo = barrier;
  }

  /** Counts one data record of the step (a dead letter too: it still counts toward the markers). */
  StepBarrier countData(int step, boolean deadLetter, long atMs) {
    StepBarrier b = get(step);
    if (b.getFirstDataAtMs() < 0) {
      b.setFirstDataAtMs(atMs);
    }
    b.setReceived(b.getReceived() + 1);
    if (deadLetter) {
      b.setDeadLetters(b.getDeadLetters() + 1);
    }
    put(b);
    return b;
  }

  /** Adds a marker; per-cluster counts are summed over sources. */
  MarkerOutcome addMarker(StepMarker m) {
    StepBarrier b = get(m.getStep());
    if (b.getForwarded()) {
      return MarkerOutcome.LATE;
    }
    String source = Integer.toString(m.getSourcePartition());
    if (b.getMarkers().containsKey(source)) {
      return MarkerOutcome.DUPLICATE;
    }
    b.getMarkers().put(source, m.getCount());
    b.setSources(Math.max(b.getSources(), m.getSourcePartitions()));
    b.setClusterCounts(sum(b.getClusterCounts(), m.getClusterCounts()));
    b.setFreshClusterCounts(sum(b.getFreshClusterCounts(), m.getFreshClusterCounts()));
    put(b);
    return MarkerOutcome.ACCEPTED;
  }

  /** Data records the markers announce for this partition. */
  static long expected(StepBarrier b) {
    return StepTally.expected(b.getMarkers().values());
  }

  /** Every source's marker is in and the data adds up; not yet marked complete. */
  static boolean ready(StepBarrier b) {
    return ready(b, 0);
  }

  /** The same, for a reader that counts {@code uncounted} more records elsewhere than in the barrier. */
  static boolean ready(StepBarrier b, long uncounted) {
    return !b.getComplete() && StepTally.allMarkersIn(b.getMarkers().size(), b.getSources())
        && StepTally.nothingMissing(b.getReceived() + uncounted, expected(b));
  }

  /** Marks the step complete and its result sent downstream. */
  void finish(StepBarrier b, long atMs) {
    b.setComplete(true);
    b.setForwarded(true);
    b.setCompletedAtMs(atMs);
    put(b);
    lastFinished = Math.max(lastFinished(), b.getStep());
  }

  /** The highest step finished here (0 before the first). */
  int lastFinished() {
    if (lastFinished < 0) {
      int last = 0;
      try (KeyValueIterator<String, StepBarrier> it = store.all()) {
        while (it.hasNext()) {
          StepBarrier b = it.next().value;
          if (b.getForwarded()) {
            last = Math.max(last, b.getStep());
          }
        }
      }
      lastFinished = last;
    }
    return lastFinished;
  }

  /**
   * Refuses a record of a step that cannot exist yet for a reader whose steps run one at a time: step t+1's
   * records are written only after step t finished on every partition of this reader, so anything beyond the
   * step after the last finished here is of a step that does not exist.
   */
  void checkKnown(int step, String what) throws StepProcessor.Rejected {
    int last = lastFinished();
    if (step > last + 1 || step < 1) {
      throw new StepProcessor.Rejected(StepProcessor.UNKNOWN_STEP, what + " of step " + step
          + ", but step " + last + " is the last finished here");
    }
  }

  /**
   * The step records without a readable step belong to: the lowest step not yet finished here, else the one
   * after the last finished (steps run one at a time, so that is the step in progress).
   */
  int openStep() {
    memo = null;
    int lowestOpen = Integer.MAX_VALUE;
    int lastFinished = 0;
    try (KeyValueIterator<String, StepBarrier> it = store.all()) {
      while (it.hasNext()) {
        StepBarrier b = it.next().value;
        if (b.getForwarded()) {
          lastFinished = Math.max(lastFinished, b.getStep());
        } else {
          lowestOpen = Math.min(lowestOpen, b.getStep());
        }
      }
    }
    return lowestOpen != Integer.MAX_VALUE ? lowestOpen : lastFinished + 1;
  }

  private static List<Long> sum(List<Long> a, List<Long> b) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      out.add((i < a.size() ? a.get(i) : 0L) + (i < b.size() ? b.get(i) : 0L));
    }
    return out;
  }
}
