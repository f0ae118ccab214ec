package io.adaptstream.cli.run.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RunNameTest {

  @Test
  void shouldReadBackEveryNameItWritesWhenMethodsHoldDashesAndAttemptsFollow() {
    // given the first attempts and a retry of methods whose names hold dashes and the letter s
    RunName first = RunName.first("adapt-semdedup", 12);
    RunName third = first.next().next();

    // when they are written as directory names and read back
    // then the method, seed and attempt survive, and only retries carry a suffix
    assertThat(first.id()).isEqualTo("adapt-semdedup-s12");
    assertThat(third.id()).isEqualTo("adapt-semdedup-s12-3");
    assertThat(RunName.parse(first.id())).contains(first);
    assertThat(RunName.parse(third.id())).contains(third);
    assertThat(RunName.parse("random-s3-s4")).contains(new RunName("random-s3", 4, 1));
  }

  @Test
  void shouldNotTakeADirectoryForARunWhenItsNameIsNotOneThisCodeWrites() {
    assertThat(RunName.parse("seeds")).isEmpty();
    assertThat(RunName.parse("adapt-s")).isEmpty();
    assertThat(RunName.parse("adapt-s0-1")).isEmpty();
    assertThat(RunName.parse("adapt-s99999999999999999999")).isEmpty();
    assertThat(RunName.parse("-s0")).isEmpty();
    assertThatThrownBy(() -> new RunName("adapt", 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
