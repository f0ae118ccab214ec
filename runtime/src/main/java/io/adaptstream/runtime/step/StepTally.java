package io.adaptstream.runtime.step;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * One partition's count of one step under the step protocol: the marker of each source (how many data records it
 * wrote to this partition) and the data records received, dead letters included. The barrier rule lives here once;
 * the selector (whose barrier is an Avro {@code StepBarrier} in a state store, so that it survives restarts) applies
 * the static rules to its stored numbers, the trainer (which assembles one step in memory) keeps an instance per
 * partition.
 *
 * <p>The two readers share the rule but not what they do when it is not met, and on purpose:
 * <ul>
 *   <li>The selector's step is <b>ready</b> when every marker is in and {@linkplain #nothingMissing nothing is
 *       missing}: its inputs come from several sub-topologies and stores, and it waits for the counts.</li>
 *   <li>The trainer's step is <b>complete</b> when every marker is in: each source writes its data before its
 *       marker on the same partition, so nothing of the step can follow; counts that do not {@linkplain #addsUp add
 *       up} are reported (a dead letter with both numbers) rather than waited on forever. The trainer also refuses
 *       a marker whose number of sources or count contradicts an earlier one ({@link MarkerOutcome}); the selector
 *       keeps the first marker of a source and the largest number of sources.</li>
 * </ul>
 */
public final class StepTally {

  /** What became of a marker offered to {@link #addMarker}. */
  public enum MarkerOutcome {
    /** The source's first marker: counted. */
    ACCEPTED,
    /** The source's marker again, with the same count (a replay): nothing changes. */
    REPEATED,
    /** The source's marker again with another count: nothing changes; the writer is broken. */
    CONFLICTING,
    /** A marker that names another number of sources than the earlier ones: nothing changes. */
    OTHER_SOURCES
  }

  private final Map<Integer, Long> markers = new HashMap<>();
  private int sources;
  private long received;
  private long deadLettered;

  /** Counts one data record of the step received here; a dead-lettered one still counts. */
  public void countData(boolean deadLetter) {
    received++;
    if (deadLetter) {
      deadLettered++;
    }
  }

  /** Offers the marker of {@code source} (one of {@code sourceCount}) announcing {@code count} records. */
  public MarkerOutcome addMarker(int source, int sourceCount, long count) {
    if (sources > 0 && sources != sourceCount) {
      return MarkerOutcome.OTHER_SOURCES;
    }
    Long earlier = markers.get(source);
    if (earlier != null) {
      return earlier == count ? MarkerOutcome.REPEATED : MarkerOutcome.CONFLICTING;
    }
    sources = sourceCount;
    markers.put(source, count);
    return MarkerOutcome.ACCEPTED;
  }

  /** The number of sources the markers name (0 before the first). */
  public int sources() {
    return sources;
  }

  /** The count an earlier marker of {@code source} announced, or null. */
  public Long marker(int source) {
    return markers.get(source);
  }

  public int markersIn() {
    return markers.size();
  }

  public long received() {
    return received;
  }

  public long deadLettered() {
    return deadLettered;
  }

  /** Every source's marker is in. */
  public boolean allMarkersIn() {
    return allMarkersIn(markers.size(), sources);
  }

  /** The data records the markers announce for this partition. */
  public long expected() {
    return expected(markers.values());
  }

  /** The step's own records add up to the markers' counts ({@link #addsUp(long, long, long)}). */
  public boolean addsUp() {
    return addsUp(received, deadLettered, expected());
  }

  /** Markers from {@code sources} sources are in ({@code sources} 0: no marker yet, so not). */
  public static boolean allMarkersIn(int markersIn, int sources) {
    return sources > 0 && markersIn >= sources;
  }

  /** The sum of the markers' counts. */
  public static long expected(Collection<Long> counts) {
    long sum = 0;
    for (long c : counts) {
      sum += c;
    }
    return sum;
  }

  /** At least as many records were received (dead letters included) as the markers announce. */
  public static boolean nothingMissing(long received, long expected) {
    return received >= expected;
  }

  /**
   * Nothing is missing and no more usable records arrived than announced. Records the writer did not write
   * (poison injected into the topic) arrive as dead letters on top of the counts, so only a shortfall, or more
   * usable records than counted, means the step's own records do not add up.
   */
  public static boolean addsUp(long received, long deadLettered, long expected) {
    return nothingMissing(received, expected) && received - deadLettered <= expected;
  }
}
