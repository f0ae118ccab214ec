package io.adaptstream.runtime.step;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.runtime.step.StepTally.MarkerOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The step protocol's barrier rule, alone. */
class StepTallyTest {

  @Test
  void shouldHoldAllMarkersAndAddUpWhenEverySourcesMarkerAndItsRecordsArrived() {
    // given two sources that wrote 2 and 1 records here
    StepTally t = new StepTally();
    t.countData(false);
    t.countData(false);
    assertThat(t.addMarker(0, 2, 2)).isEqualTo(MarkerOutcome.ACCEPTED);
    assertThat(t.allMarkersIn()).isFalse();

    // when the second source's record and marker arrive
    t.countData(false);
    assertThat(t.addMarker(1, 2, 1)).isEqualTo(MarkerOutcome.ACCEPTED);

    // then every marker is in and the counts add up
    assertThat(t.allMarkersIn()).isTrue();
    assertThat(t.expected()).isEqualTo(3);
    assertThat(t.addsUp()).isTrue();
  }

  @Test
  void shouldCountPoisonOnTopOfTheMarkersButNotAShortfallWhenCheckingTheCounts() {
    // given one source that wrote 2 records, plus a poison record injected into the topic (a dead letter)
    StepTally t = new StepTally();
    t.countData(false);
    t.countData(false);
    t.countData(true);
    t.addMarker(0, 1, 2);

    // then the step adds up (the poison is on top), and nothing is missing
    assertThat(t.addsUp()).isTrue();
    assertThat(StepTally.nothingMissing(t.received(), t.expected())).isTrue();

    // but a shortfall, or more usable records than counted, does not add up
    assertThat(StepTally.addsUp(1, 0, 2)).isFalse();
    assertThat(StepTally.addsUp(3, 0, 2)).isFalse();
    assertThat(StepTally.nothingMissing(1, 2)).isFalse();
  }

  @Test
  void shouldIgnoreARepeatedConflictingOrMiscountedMarkerWhenASourceSendsAgain() {
    // given source 0 of 2 announced 5 records
    StepTally t = new StepTally();
    t.addMarker(0, 2, 5);

    // when it sends again, with the same count, another count, or another number of sources
    // then nothing changes and each is told apart
    assertThat(t.addMarker(0, 2, 5)).isEqualTo(MarkerOutcome.REPEATED);
    assertThat(t.addMarker(0, 2, 6)).isEqualTo(MarkerOutcome.CONFLICTING);
    assertThat(t.addMarker(1, 3, 1)).isEqualTo(MarkerOutcome.OTHER_SOURCES);
    assertThat(t.markersIn()).isEqualTo(1);
    assertThat(t.marker(0)).isEqualTo(5L);
    assertThat(t.expected()).isEqualTo(5);
  }

  @Test
  void shouldNotHoldAllMarkersWhenNoMarkerNamedTheSources() {
    // given a tally without markers, then the static rules agree with it
    assertThat(new StepTally().allMarkersIn()).isFalse();
    assertThat(StepTally.allMarkersIn(0, 0)).isFalse();
    assertThat(StepTally.allMarkersIn(3, 3)).isTrue();
    assertThat(StepTally.expected(List.of(2L, 3L))).isEqualTo(5);
  }
}
