package io.adaptstream.trainer;

import static io.adaptstream.trainer.TrainerFixtures.marker;
import static io.adaptstream.trainer.TrainerFixtures.sample;
import static io.adaptstream.trainer.TrainerFixtures.selection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Selection;
import io.adaptstream.avro.Split;
import io.adaptstream.schemas.PoisonReason;
import io.adaptstream.trainer.StepAssembler.Kind;
import io.adaptstream.trainer.StepAssembler.Selected;
import io.adaptstream.trainer.StepAssembler.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepAssemblerTest {

  private static Sample train(String question) {
    return sample("r1", Split.TRAIN, "skill", question, "answer", List.of());
  }

  private static Verdict offer(StepAssembler<String> a, int partition, long offset, Selection s) {
    return a.offerSelection(partition, offset, s.getSampleId(), s, "p" + partition + "@" + offset);
  }

  @Test
  void shouldCompleteAPartitionWhenMarkersOfAllSourcesAddUpToTheSelectionsReceived() {
    // given step 1 on one partition with two sources
    StepAssembler<String> a = new StepAssembler<>(1, 1);
    offer(a, 0, 0, selection(1, train("a")));
    offer(a, 0, 1, selection(1, train("b")));

    // when the first source's marker arrives, then the second's
    Verdict first = a.offerMarker(0, 2, marker(1, 0, 2, 1, 0));
    boolean afterFirst = a.isComplete(0);
    offer(a, 0, 3, selection(1, train("c")));
    Verdict second = a.offerMarker(0, 4, marker(1, 1, 2, 2, 0));

    // then the step is complete only after markers from both sources, and the next step starts past the last one
    assertThat(first.kind()).isEqualTo(Kind.MARKER);
    assertThat(afterFirst).isFalse();
    assertThat(second.kind()).isEqualTo(Kind.MARKER);
    assertThat(a.isComplete(0)).isTrue();
    assertThat(a.isComplete()).isTrue();
    assertThat(a.nextOffset(0)).isEqualTo(5);
    assertThat(a.selections()).hasSize(3);
  }

  @Test
  void shouldCompleteEachPartitionOnItsOwnWhateverTheOrderAcrossPartitions() {
    // given step 2 over three partitions, two sources
    StepAssembler<String> a = new StepAssembler<>(2, 3);

    // when partition 2 finishes first, partition 0 gets its markers before its data, partition 1 has no data
    a.offerMarker(2, 0, marker(2, 1, 2, 0, 2));
    a.offerMarker(2, 1, marker(2, 0, 2, 0, 2));
    offer(a, 0, 0, selection(2, train("x")));
    a.offerMarker(0, 1, marker(2, 0, 2, 1, 0));
    a.offerMarker(1, 0, marker(2, 0, 2, 0, 1));
    boolean beforeLast = a.isComplete();
    a.offerMarker(0, 2, marker(2, 1, 2, 0, 0));
    a.offerMarker(1, 1, marker(2, 1, 2, 0, 1));

    // then every partition completes independently and the step completes when the last one does
    assertThat(a.isComplete(2)).isTrue();
    assertThat(beforeLast).isFalse();
    assertThat(a.isComplete()).isTrue();
    assertThat(List.of(a.nextOffset(0), a.nextOffset(1), a.nextOffset(2))).containsExactly(3L, 2L, 2L);
    assertThat(a.selections()).extracting(s -> s.selection().getSample().getSourceId()).containsExactly("x");
  }

  @Test
  void shouldNotCompleteWhileAMarkerIsMissingOnAnyPartition() {
    // given two partitions, one source each marker
    StepAssembler<String> a = new StepAssembler<>(1, 2);

    // when only partition 0 gets its marker
    a.offerMarker(0, 0, marker(1, 0, 1, 0, 0));

    // then the step waits for partition 1
    assertThat(a.isComplete(0)).isTrue();
    assertThat(a.isComplete(1)).isFalse();
    assertThat(a.isComplete()).isFalse();
    assertThatThrownBy(() -> a.nextOffset(1)).isInstanceOf(IllegalStateException.class);
    assertThat(a.progress()).contains("p0: 0 records, 1/1 markers (complete)").contains("p1: 0 records, 0/? markers");
  }

  @Test
  void shouldSkipRecordsOfEarlierStepsWithoutCountingThem() {
    // given step 3 (a restart re-reads the end of step 2)
    StepAssembler<String> a = new StepAssembler<>(3, 1);

    // when old records arrive before the step's own
    Verdict oldSelection = offer(a, 0, 0, selection(2, train("old")));
    Verdict oldMarker = a.offerMarker(0, 1, marker(2, 0, 1, 1, 0));
    offer(a, 0, 2, selection(3, train("new")));
    a.offerMarker(0, 3, marker(3, 0, 1, 1, 0));

    // then they are skipped, not counted, and the step completes with its own record only
    assertThat(oldSelection.kind()).isEqualTo(Kind.SKIPPED);
    assertThat(oldMarker.kind()).isEqualTo(Kind.SKIPPED);
    assertThat(a.isComplete()).isTrue();
    assertThat(a.selections()).extracting(s -> s.selection().getSample().getSourceId()).containsExactly("new");
  }

  @Test
  void shouldDeadLetterRecordsOfLaterStepsWithoutCountingThem() {
    // given step 1
    StepAssembler<String> a = new StepAssembler<>(1, 1);

    // when records of step 2 arrive before step 1 is complete
    Verdict selection = offer(a, 0, 0, selection(2, train("early")));
    Verdict marker = a.offerMarker(0, 1, marker(2, 0, 1, 0, 0));
    a.offerMarker(0, 2, marker(1, 0, 1, 0, 0));

    // then they are dead letters and step 1 completes without them
    assertThat(selection.kind()).isEqualTo(Kind.DEAD_LETTER);
    assertThat(selection.reason()).isEqualTo("unknown_step");
    assertThat(marker.reason()).isEqualTo("unknown_step");
    assertThat(a.isComplete()).isTrue();
    assertThat(a.selections()).isEmpty();
  }

  @Test
  void shouldCountUnreadableRecordsTowardTheStepTheyArriveIn() {
    // given step 1 with a selection and an unreadable record written by one source
    StepAssembler<String> a = new StepAssembler<>(1, 1);
    offer(a, 0, 0, selection(1, train("a")));

    // when
    Verdict unreadable = a.offerUnreadable(0, PoisonReason.UNDESERIALISABLE, "bad magic byte");
    Verdict closing = a.offerMarker(0, 2, marker(1, 0, 1, 2, 0));

    // then the unreadable record is a dead letter that still counts, so the counts add up
    assertThat(unreadable.kind()).isEqualTo(Kind.DEAD_LETTER);
    assertThat(unreadable.reason()).isEqualTo("undeserialisable");
    assertThat(closing.kind()).isEqualTo(Kind.MARKER);
    assertThat(a.isComplete()).isTrue();
    assertThat(a.selections()).hasSize(1);
  }

  @Test
  void shouldCloseTheStepWithoutAMismatchWhenPoisonNoWriterCountedArrivesOnTopOfTheCountedRecords() {
    // given step 1 with the one selection its source counts
    StepAssembler<String> a = new StepAssembler<>(1, 1);
    offer(a, 0, 0, selection(1, train("a")));

    // when poison no writer counted arrives (bytes, an unknown schema id), then the marker
    Verdict bytes = a.offerUnreadable(0, PoisonReason.UNDESERIALISABLE, "unknown magic byte 123");
    Verdict schema = a.offerUnreadable(0, PoisonReason.UNKNOWN_SCHEMA, "schema id 2147483392 is not in the registry");
    Verdict closing = a.offerMarker(0, 3, marker(1, 0, 1, 1, 0));

    // then each poison record is one dead letter, and the marker closes the step as an ordinary marker
    assertThat(bytes.reason()).isEqualTo("undeserialisable");
    assertThat(schema.reason()).isEqualTo("unknown_schema");
    assertThat(closing.kind()).isEqualTo(Kind.MARKER);
    assertThat(a.isComplete()).isTrue();
    assertThat(a.selections()).hasSize(1);
  }

  @Test
  void shouldCloseTheStepWithWhatArrivedAndReportWhenCountsDoNotAddUp() {
    // given markers that count more records than arrived
    StepAssembler<String> a = new StepAssembler<>(1, 1);
    offer(a, 0, 0, selection(1, train("a")));

    // when the last marker arrives
    Verdict v = a.offerMarker(0, 1, marker(1, 0, 1, 3, 0));

    // then the step completes (nothing can follow the last marker) and the marker is reported
    assertThat(v.kind()).isEqualTo(Kind.DEAD_LETTER);
    assertThat(v.reason()).isEqualTo("step_count_mismatch");
    assertThat(v.detail()).contains("count 3 records but 1 arrived");
    assertThat(a.isComplete()).isTrue();
    assertThat(a.selections()).hasSize(1);
  }

  @Test
  void shouldIgnoreARepeatedMarkerAndDeadLetterAConflictingOrMisaddressedOne() {
    // given step 1, partition 1 of 2, three sources
    StepAssembler<String> a = new StepAssembler<>(1, 2);
    a.offerMarker(1, 0, marker(1, 0, 3, 0, 1));

    // when
    Verdict repeated = a.offerMarker(1, 1, marker(1, 0, 3, 0, 1));
    Verdict conflicting = a.offerMarker(1, 2, marker(1, 0, 3, 5, 1));
    Verdict misaddressed = a.offerMarker(1, 3, marker(1, 1, 3, 0, 0));
    Verdict otherSourceCount = a.offerMarker(1, 4, marker(1, 1, 4, 0, 1));
    Verdict badSource = a.offerMarker(1, 5, marker(1, 7, 3, 0, 1));

    // then
    assertThat(repeated.kind()).isEqualTo(Kind.SKIPPED);
    assertThat(conflicting.reason()).isEqualTo("conflicting_marker");
    assertThat(misaddressed.reason()).isEqualTo("misaddressed_marker");
    assertThat(otherSourceCount.reason()).isEqualTo("invalid_marker");
    assertThat(badSource.reason()).isEqualTo("invalid_marker");
    assertThat(a.isComplete(1)).isFalse();
  }

  @Test
  void shouldAcceptMulticastMarkersWithoutATargetPartition() {
    // given a marker sent once to every partition (targetPartition -1)
    StepAssembler<String> a = new StepAssembler<>(1, 2);

    // when it arrives on both partitions
    a.offerMarker(0, 0, marker(1, 0, 1, 0, -1));
    a.offerMarker(1, 0, marker(1, 0, 1, 0, -1));

    // then
    assertThat(a.isComplete()).isTrue();
  }

  @Test
  void shouldDeadLetterInconsistentTestAndDuplicateSelectionsButCountThem() {
    // given step 1
    StepAssembler<String> a = new StepAssembler<>(1, 1);
    Sample good = train("good");
    Sample test = sample("r1", Split.TEST, "skill", "held out", "x", List.of());
    Selection wrongId = selection(1, train("w"));
    wrongId.setSampleId("not-the-id");

    // when
    Verdict ok = offer(a, 0, 0, selection(1, good));
    Verdict duplicate = offer(a, 0, 1, selection(1, good));
    Verdict leak = offer(a, 0, 2, selection(1, test));
    Verdict inconsistent = a.offerSelection(0, 3, wrongId.getSampleId(), wrongId, "ref");
    Verdict wrongKey = a.offerSelection(0, 4, "other-key", selection(1, train("k")), "ref");
    Verdict closing = a.offerMarker(0, 5, marker(1, 0, 1, 5, 0));

    // then only the good one is kept, the others are reported, and all five count
    assertThat(ok.kind()).isEqualTo(Kind.SELECTION);
    assertThat(duplicate.reason()).isEqualTo("duplicate_selection");
    assertThat(leak.reason()).isEqualTo("test_sample_selected");
    assertThat(inconsistent.reason()).isEqualTo("inconsistent_selection");
    assertThat(wrongKey.reason()).isEqualTo("inconsistent_selection");
    assertThat(closing.kind()).isEqualTo(Kind.MARKER);
    assertThat(a.selections()).extracting(s -> s.selection().getSampleId()).containsExactly(good.getId());
  }

  @Test
  void shouldHandSelectionsOverInSampleIdOrderWithTheirReferences() {
    // given selections arriving in an arbitrary order over partitions
    StepAssembler<String> a = new StepAssembler<>(1, 2);
    Sample s1 = train("one");
    Sample s2 = train("two");
    Sample s3 = train("three");
    offer(a, 1, 0, selection(1, s1));
    offer(a, 0, 0, selection(1, s2));
    offer(a, 1, 1, selection(1, s3));

    // when
    List<Selected<String>> selections = a.selections();

    // then
    assertThat(selections).extracting(s -> s.selection().getSampleId())
        .containsExactlyElementsOf(List.of(s1.getId(), s2.getId(), s3.getId()).stream().sorted().toList());
    assertThat(selections).filteredOn(s -> s.selection().getSampleId().equals(s2.getId()))
        .singleElement().satisfies(s -> assertThat(s.ref()).isEqualTo("p0@0"));
  }

  @Test
  void shouldRefuseRecordsAfterAPartitionIsComplete() {
    // given a complete partition
    StepAssembler<String> a = new StepAssembler<>(1, 1);
    a.offerMarker(0, 0, marker(1, 0, 1, 0, 0));

    // when / then: the caller must stop reading there; later records are the next step's
    assertThatThrownBy(() -> offer(a, 0, 1, selection(2, train("next"))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already complete");
  }
}
