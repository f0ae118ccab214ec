package io.adaptstream.trainer;

import io.adaptstream.avro.Release;
import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.avro.Split;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the trainer needs of the shared ingest log: every release's test samples (for evaluation), the
 * pretraining release's train samples (for version 0), and which releases are sealed with which sequence.
 *
 * <p>A release is usable once its seal marker has been read on every partition: each partition's marker follows
 * all of the release's samples there. Seals are appended in sequence order on every partition (a sequence is
 * assigned only after the previous seal committed), so once release {@code t} is sealed everywhere, every release
 * with a smaller sequence is complete here too: the evaluation set of step {@code t} is then fixed.
 *
 * <p>Train samples are kept only for a release that may be the pretraining one: the role comes from the release
 * table or, at the latest, from the first seal marker (sequence 0 is the pretraining release). Task releases'
 * train samples reach the trainer through the selections instead.
 */
final class IngestView {

  /** A sample and where it was read, for dead letters. */
  record Located(Sample sample, int partition, long offset) {}

  /** One release as seen so far. */
  static final class ReleaseState {
    final String name;
    ReleaseRole role;
    int sequence = -1;
    int partitions;
    final Set<Integer> sealedOn = new HashSet<>();
    final Map<String, Located> train = new TreeMap<>();
    final Map<String, Located> test = new TreeMap<>();

    ReleaseState(String name) {
      this.name = name;
    }

    boolean sealed() {
      return partitions > 0 && sealedOn.size() >= partitions;
    }

    String name() {
      return name;
    }

    int sequence() {
      return sequence;
    }
  }

  private final Map<String, ReleaseState> releases = new LinkedHashMap<>();
  private boolean keepPretrainSamples;
  private long samplesRead;

  /** @param keepPretrainSamples whether the pretraining release's train samples are needed (version 0 absent) */
  IngestView(boolean keepPretrainSamples) {
    this.keepPretrainSamples = keepPretrainSamples;
  }

  /** A sample read from {@code partition} of the ingest topic at {@code offset}. */
  void onSample(Sample sample, int partition, long offset) {
    ReleaseState r = release(sample.getRelease());
    samplesRead++;
    Located located = new Located(sample, partition, offset);
    if (sample.getSplit() == Split.TEST) {
      r.test.putIfAbsent(sample.getId(), located);
    } else if (keepPretrainSamples && r.role != ReleaseRole.TASK) {
      r.train.putIfAbsent(sample.getId(), located);
    }
  }

  /** A seal marker read from {@code partition}. */
  void onSeal(SealMarker marker, int partition) {
    ReleaseState r = release(marker.getRelease());
    r.sequence = marker.getSequence();
    r.partitions = marker.getPartitions();
    r.sealedOn.add(partition);
    setRole(r, marker.getSequence() == 0 ? ReleaseRole.PRETRAIN : ReleaseRole.TASK);
  }

  /** A record of the release table (its role is known from the first, OPEN, record on). */
  void onRelease(Release release) {
    setRole(release(release.getName()), release.getRole());
  }

  /** No longer keep pretraining train samples (version 0 exists). */
  void dropPretrainSamples() {
    keepPretrainSamples = false;
    releases.values().forEach(r -> r.train.clear());
  }

  /** The release sealed with {@code sequence} on every partition, if any. */
  Optional<ReleaseState> sealed(int sequence) {
    return releases.values().stream().filter(r -> r.sequence == sequence && r.sealed()).findFirst();
  }

  boolean isSealed(int sequence) {
    return sealed(sequence).isPresent();
  }

  /** The pretraining release's train samples in sample id order; empty until it is sealed everywhere. */
  List<Located> pretrainSamples() {
    return sealed(0).map(r -> List.copyOf(r.train.values())).orElse(List.of());
  }

  /**
   * The test samples of every release sealed with a sequence in {@code [0, maxSequence]}, in (sequence, sample id)
   * order; a sample id that appears in several releases is evaluated once, under the earliest.
   */
  List<Located> testSamples(int maxSequence) {
    List<ReleaseState> usable = releases.values().stream()
        .filter(r -> r.sealed() && r.sequence >= 0 && r.sequence <= maxSequence)
        .sorted(Comparator.comparingInt(ReleaseState::sequence))
        .toList();
    Set<String> seen = new HashSet<>();
    List<Located> out = new ArrayList<>();
    for (ReleaseState r : usable) {
      for (Located l : r.test.values()) {
        if (seen.add(l.sample().getId())) {
          out.add(l);
        }
      }
    }
    return out;
  }

  long samplesRead() {
    return samplesRead;
  }

  /** Sealed releases by sequence, for logs. */
  Map<Integer, String> sealedReleases() {
    Map<Integer, String> out = new TreeMap<>();
    releases.values().stream().filter(ReleaseState::sealed).forEach(r -> out.put(r.sequence, r.name));
    return out;
  }

  private ReleaseState release(String name) {
    return releases.computeIfAbsent(name, ReleaseState::new);
  }

  private static void setRole(ReleaseState r, ReleaseRole role) {
    r.role = role;
    if (role == ReleaseRole.TASK) {
      r.train.clear();
    }
  }
}
