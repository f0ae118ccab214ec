package io.adaptstream.cli.run.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.adaptstream.cli.run.demo.DemoResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiagnosticsTest {

  @TempDir
  Path tmp;

  @Test
  void shouldGiveNmiOneWhenClustersAreTheSkills() {
    // given each cluster holding exactly one skill
    List<Map<String, Long>> clusters = List.of(Map.of("vqa.colour", 30L), Map.of("ocr.digit", 10L),
        Map.of("language.arith", 60L));

    // then the clusters carry all the information of the skills
    assertThat(Diagnostics.nmi(clusters)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void shouldGiveNmiZeroWhenEveryClusterHasTheSameSkillMix() {
    // given three clusters of different sizes with the same 2:1:1 skill mix
    List<Map<String, Long>> clusters = new ArrayList<>();
    for (long k : List.of(1L, 3L, 5L)) {
      clusters.add(Map.of("vqa.colour", 20 * k, "ocr.digit", 10 * k, "language.arith", 10 * k));
    }

    // then cluster and skill are independent
    assertThat(Diagnostics.nmi(clusters)).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void shouldGiveAnNmiBetweenZeroAndOneForAPartlyPureClusteringAndNullWithoutMembers() {
    // given two clusters, each mostly one skill
    Double partial = Diagnostics.nmi(List.of(Map.of("a", 9L, "b", 1L), Map.of("a", 1L, "b", 9L)));

    // then the purity is in between, and no members give no value
    assertThat(partial).isStrictlyBetween(0.0, 1.0);
    assertThat(Diagnostics.nmi(List.of())).isNull();
    assertThat(Diagnostics.nmi(List.of(Map.of()))).isNull();
  }

  private static DemoResult.Step step(int t, long pool, long fresh, long selected, long pruned, Long prunedFresh,
      Double pick, List<DemoResult.Cluster> clusters) {
    return new DemoResult.Step(t, "r" + t, pool, fresh, selected, pruned, clusters, Map.of("vqa.colour", 0.5), 0.5,
        new DemoResult.Seconds(1, 1, 1, 0), selected, "sha" + t, List.of(), Map.of(), null, null, prunedFresh, pick);
  }

  private static ExperimentTable.Run run(long seed, List<DemoResult.Step> steps, Map<Integer, List<String>> sel) {
    DemoResult r = new DemoResult("adapt-s" + seed, "adapt", seed, steps, 0.5, 0, 10);
    return new ExperimentTable.Run("adapt", seed, r.runId(), Path.of("results.json"), r, sel);
  }

  @Test
  void shouldShareTheSelectedSamplesByDefectFromTheAnnotations() throws IOException {
    // given a benchmark of four annotated samples, and a step that selected the two text-only ones (one
    // near-duplicate and image-not-needed, one mislabelled), one image sample and an id the benchmark lacks
    BenchmarkAnnotations annotations = BenchmarkAnnotations.load(BenchmarkFixture.write(tmp.resolve("bench")));
    String clean = annotations.bySampleId().entrySet().stream()
        .filter(e -> e.getValue().sourceId().equals("r1-train-000000")).findFirst().orElseThrow().getKey();
    List<String> selected = List.of(BenchmarkFixture.textOnlyId("What is 2 + 2?", "4"),
        BenchmarkFixture.textOnlyId("What is 3 + 3?", "7"), clean, "f".repeat(64));
    List<DemoResult.Cluster> clusters = List.of(
        new DemoResult.Cluster(0, 6, "el2n", 2, 1, Map.of("vqa.colour", 6L)),
        new DemoResult.Cluster(1, 4, "el2n", 2, 1, Map.of("language.arith", 4L)),
        new DemoResult.Cluster(2, 2, "entropy", 0, 0, Map.of("ocr.digit", 2L)));
    ExperimentTable.Run run = run(7, List.of(step(0, 0, 0, 0, 0, null, null, List.of()),
        step(1, 12, 8, 4, 2, 2L, 85.0, clusters)), Map.of(1, selected));

    // when the diagnostics are computed with the annotations of seed 7
    List<Diagnostics> d = Diagnostics.of(List.of(run), Map.of(7L, annotations));

    // then the shares count the three annotated picks, the unknown id is reported, and the rest follows the step
    assertThat(d).hasSize(1);
    Diagnostics one = d.get(0);
    assertThat(one.step()).isEqualTo(1);
    assertThat(one.unannotatedSelected()).isEqualTo(1.0);
    assertThat(one.labelNoiseShare()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(one.nearDuplicateShare()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(one.imageNotNeededShare()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(one.clusterSkillNmi()).isCloseTo(1.0, within(1e-12));
    assertThat(one.scorers()).containsExactly(Map.entry("el2n", 2L), Map.entry("entropy", 1L));
    assertThat(one.pickPercentile()).isEqualTo(85.0);
    assertThat(one.freshShareOfPool()).isCloseTo(8 / 12.0, within(1e-12));
    assertThat(one.freshShareOfSurvivors()).isCloseTo((8 - 2) / 10.0, within(1e-12));
    assertThat(one.freshShareOfSelected()).isEqualTo(1.0);
    assertThat(one.selectedGroups()).containsOnlyKeys("language", "vqa");
    assertThat(one.selectedGroups().get("language")).isCloseTo(2 / 3.0, within(1e-12));
  }

  @Test
  void shouldCountOnlyTheStepsOwnReleaseAsFreshInTheSelection() throws IOException {
    // given the same annotated picks, at a step whose new release is another one
    BenchmarkAnnotations annotations = BenchmarkAnnotations.load(BenchmarkFixture.write(tmp.resolve("bench")));
    List<String> selected = List.copyOf(annotations.bySampleId().keySet());
    ExperimentTable.Run run = run(7, List.of(step(2, 12, 8, 4, 2, 2L, null, List.of())), Map.of(2, selected));

    // when the diagnostics are computed, then none of the selection counts as fresh
    Diagnostics d = Diagnostics.of(List.of(run), Map.of(7L, annotations)).get(0);
    assertThat(d.freshShareOfSelected()).isZero();
    assertThat(d.selectedGroups().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0,
        within(1e-12));
  }

  @Test
  void shouldSkipTheSharesWithoutAnnotationsAndTheSurvivorShareWithoutPrunedFresh() {
    // given two seeds without annotations, whose step did not record prunedFresh nor a pick percentile
    List<ExperimentTable.Run> runs = List.of(
        run(0, List.of(step(1, 10, 5, 4, 2, null, null, List.of())), Map.of(1, List.of("a"))),
        run(1, List.of(step(1, 20, 5, 4, 2, null, null, List.of())), Map.of(1, List.of("b"))));

    // when the diagnostics are computed
    Diagnostics d = Diagnostics.of(runs, Map.of()).get(0);

    // then only what the results hold is given, as means over the seeds
    assertThat(d.seeds()).isEqualTo(2);
    assertThat(d.labelNoiseShare()).isNull();
    assertThat(d.unannotatedSelected()).isNull();
    assertThat(d.clusterSkillNmi()).isNull();
    assertThat(d.pickPercentile()).isNull();
    assertThat(d.freshShareOfSurvivors()).isNull();
    assertThat(d.freshShareOfSelected()).isNull();
    assertThat(d.selectedGroups()).isEmpty();
    assertThat(d.freshShareOfPool()).isCloseTo((0.5 + 0.25) / 2, within(1e-12));
  }
}
