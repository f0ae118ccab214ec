package io.adaptstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SkillWorldCliTest {

  @Test
  void shouldParseOutSeedAndQuick() {
    SkillWorld.Options options = SkillWorld.Options.parse("--out", "data/bench", "--seed", "42", "--quick");

    assertThat(options).isEqualTo(new SkillWorld.Options(Path.of("data/bench"), 42, Size.QUICK));
  }

  @Test
  void shouldDefaultToSeedZeroAndFullSize() {
    assertThat(SkillWorld.Options.parse("--out", "x")).isEqualTo(new SkillWorld.Options(Path.of("x"), 0, Size.FULL));
  }

  @Test
  void shouldRejectMissingOutAndBadSeedWithClearMessages() {
    assertThatThrownBy(() -> SkillWorld.Options.parse("--seed", "1")).hasMessageContaining("--out DIR is required");
    assertThatThrownBy(() -> SkillWorld.Options.parse("--out", "x", "--seed", "one"))
        .hasMessageContaining("--seed needs an integer");
    assertThatThrownBy(() -> SkillWorld.Options.parse("--out")).hasMessageContaining("--out needs a value");
    assertThatThrownBy(() -> SkillWorld.Options.parse("--out", "x", "--fast")).hasMessageContaining("--fast");
  }

  @Test
  void shouldExitWithUsageErrorAndPrintUsageForBadArguments() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = SkillWorld.run(new PrintStream(out), new PrintStream(err, true, StandardCharsets.UTF_8), "--quick");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--out DIR is required").contains("usage:");
    assertThat(out.size()).isZero();
  }
}
