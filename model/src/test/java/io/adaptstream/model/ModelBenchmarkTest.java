package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ModelBenchmarkTest {

  @Test
  void shouldReplaceOnlyItsOwnSectionOfTheBenchmarksPage() {
    // given
    String page = "# Benchmarks\n\n## Ingest\nfast\n\n" + ModelBenchmark.SECTION + "\nold table\n```sh\n## not a heading\n```\n\n"
        + "## Selector\nslow\n";

    // when
    String updated = ModelBenchmark.replaceSection(page, ModelBenchmark.SECTION + "\n\nnew table\n");

    // then
    assertThat(updated).contains("## Ingest\nfast\n", "new table", "## Selector\nslow\n")
        .doesNotContain("old table", "not a heading");
    assertThat(updated.indexOf("## Ingest")).isLessThan(updated.indexOf("new table"));
    assertThat(updated.indexOf("new table")).isLessThan(updated.indexOf("## Selector"));
  }

  @Test
  void shouldAppendItsSectionWhenMissing() {
    // when
    String updated = ModelBenchmark.replaceSection("# Benchmarks\n\n## Ingest\nfast\n", ModelBenchmark.SECTION + "\nx\n");

    // then
    assertThat(updated).isEqualTo("# Benchmarks\n\n## Ingest\nfast\n\n" + ModelBenchmark.SECTION + "\nx\n");
  }

  @Test
  void shouldReplaceTheEvaluationSectionWithoutTouchingTheTrainingSection() {
    // given
    String page = "# Benchmarks\n\n" + ModelBenchmark.SECTION + "\ntraining table\n\n" + EvalBenchmark.SECTION
        + "\nold decoding table\n\n## Pipeline\nsteps\n";

    // when
    String updated = ModelBenchmark.replaceSection(page, EvalBenchmark.SECTION,
        EvalBenchmark.SECTION + "\n\nnew decoding table\n");

    // then
    assertThat(updated).contains("training table", "new decoding table", "## Pipeline\nsteps\n")
        .doesNotContain("old decoding table");
  }

  @Test
  void shouldCorrelatePairwiseCosines() {
    // given
    float[][] a = {{1, 0}, {0, 1}, {1, 1}, {1, -1}};
    float[][] scaled = {{2, 0}, {0, 3}, {5, 5}, {1, -1}};

    // when
    double[] ca = ModelBenchmark.pairwiseCosines(a);
    double[] cs = ModelBenchmark.pairwiseCosines(scaled);

    // then: cosines ignore scale
    assertThat(ca).hasSize(6);
    assertThat(ModelBenchmark.pearson(ca, cs)).isCloseTo(1.0, within(1e-12));
  }
}
