package io.adaptstream.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StepCountsTest {

  @Test
  void shouldCountScoresPerStepAndStartAgainAfterAForwardedMarker() {
    // given three scores of step 1 and one of step 2
    StepCounts counts = StepCounts.empty();
    counts.add(1);
    counts.add(1);
    counts.add(2);
    counts.add(1);

    // when step 1's marker is forwarded, then another score of step 1 arrives and its next marker is forwarded
    long first = counts.close(1);
    counts.add(1);
    long second = counts.close(1);
    long third = counts.close(1);

    // then each marker carries the scores since the previous one, and step 2 is untouched
    assertThat(first).isEqualTo(3);
    assertThat(second).isEqualTo(1);
    assertThat(third).isZero();
    assertThat(counts.asMap()).isEqualTo(Map.of(2, 1L));
  }

  @Test
  void shouldRoundTripThroughTheOffsetMetadata() {
    // given open counts for two steps
    StepCounts counts = StepCounts.empty();
    for (int i = 0; i < 17; i++) {
      counts.add(3);
    }
    counts.add(4);
    counts.add(4);

    // when encoded and decoded
    String metadata = counts.encode();
    StepCounts restored = StepCounts.decode(metadata);

    // then the string is compact and the counts are the same
    assertThat(metadata).isEqualTo("v1:3=17,4=2");
    assertThat(restored).isEqualTo(counts);
    assertThat(restored.get(3)).isEqualTo(17);
  }

  @Test
  void shouldReadNoCountsFromAnOffsetCommittedWithoutMetadata() {
    assertThat(StepCounts.decode(null).asMap()).isEmpty();
    assertThat(StepCounts.decode("").asMap()).isEmpty();
    assertThat(StepCounts.decode("v1:").asMap()).isEmpty();
    assertThat(StepCounts.empty().encode()).isEqualTo("v1:");
  }

  @Test
  void shouldRefuseMetadataItDidNotWrite() {
    assertThatThrownBy(() -> StepCounts.decode("someone else's")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("v1:");
    assertThatThrownBy(() -> StepCounts.decode("v1:3=x")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("malformed");
    assertThatThrownBy(() -> StepCounts.decode("v1:3=1,3=2")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> StepCounts.decode("v1:3=-1")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldNotShareStateWithACopy() {
    // given counts and a copy of them
    StepCounts counts = StepCounts.empty();
    counts.add(1);
    StepCounts copy = counts.copy();

    // when the copy changes
    copy.add(1);
    copy.close(1);

    // then the original is as it was
    assertThat(counts.get(1)).isEqualTo(1);
  }

  @Test
  void shouldRefuseToEncodeMoreThanFitsInTheOffsetMetadata() {
    // given hundreds of steps that never got a marker
    StepCounts counts = StepCounts.empty();
    for (int step = 100_000; step < 100_500; step++) {
      counts.add(step);
    }

    // when / then
    assertThatThrownBy(counts::encode).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Markers are missing");
  }
}
