package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class RunIdsTest {

  @Test
  void shouldNameRunsAfterMethodAndTime() {
    assertThat(RunIds.next("adapt", null)).matches("adapt-\\d{8}-\\d{6}(-\\d+)?");
    assertThat(RunIds.next("lite", null, LocalDateTime.of(2026, 1, 2, 3, 4, 5))).isEqualTo("lite-20260102-030405");
  }

  @Test
  void shouldNeverGiveTheSameIdTwiceNorTheOneToAvoid() {
    LocalDateTime t = LocalDateTime.of(2026, 5, 6, 7, 8, 9);

    String first = RunIds.next("random", null, t);
    String second = RunIds.next("random", null, t);
    String third = RunIds.next("sequential", "sequential-20260506-070809", t);

    assertThat(first).isEqualTo("random-20260506-070809");
    assertThat(second).isEqualTo("random-20260506-070809-2");
    assertThat(third).isEqualTo("sequential-20260506-070809-2");
  }
}
