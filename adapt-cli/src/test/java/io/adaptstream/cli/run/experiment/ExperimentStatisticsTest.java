package io.adaptstream.cli.run.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.adaptstream.cli.run.demo.DemoResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The table's intervals, paired differences and compute columns, on hand-made results (no broker). */
class ExperimentStatisticsTest {

  /** Per-test-sample scores: {@code n} samples of which the first {@code round(n * share)} are right. */
  private static List<Double> scores(int n, double share) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(i < Math.round(n * share) ? 1.0 : 0.0);
    }
    return out;
  }

  private static double mean(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }

  /** A step whose accuracy is the mean of its per-test-sample scores, with compute counts. */
  private static DemoResult.Step step(int t, Map<String, List<Double>> testScores, Long optimizerSteps) {
    Map<String, Double> accuracy = new LinkedHashMap<>();
    testScores.forEach((k, v) -> accuracy.put(k, mean(v)));
    double avg = accuracy.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    return new DemoResult.Step(t, "r" + t, 100, 50, 20, 10, List.of(), accuracy, avg,
        new DemoResult.Seconds(1, 1, 1, 0), 20, "sha" + t, List.of(), testScores, optimizerSteps,
        optimizerSteps == null ? null : optimizerSteps * 8, 4L, 80.0);
  }

  private static ExperimentTable.Run run(String method, long seed, List<DemoResult.Step> steps) {
    List<Map<String, Double>> perStep = steps.stream().map(DemoResult.Step::accuracy).toList();
    DemoResult.Step last = steps.get(steps.size() - 1);
    DemoResult r = new DemoResult(method + "-s" + seed, method, seed, steps, last.avgAccuracy(),
        DemoResult.forgetting(perStep), 60);
    return new ExperimentTable.Run(method, seed, r.runId(), Path.of("runs", r.runId(), "results.json"), r);
  }

  /** Two steps over skills vqa.colour and ocr.digit with {@code n} test samples each; scores mapped by {@code f}. */
  private static ExperimentTable.Run scored(String method, long seed, int n, DoubleUnaryOperator f) {
    Map<String, List<Double>> first = Map.of("vqa.colour", map(scores(n, 0.6), f), "ocr.digit",
        map(scores(n, 0.5), f));
    Map<String, List<Double>> second = Map.of("vqa.colour", map(scores(n, 0.4), f), "ocr.digit",
        map(scores(n, 0.7), f));
    return run(method, seed, List.of(step(0, Map.of(), null), step(1, first, 30L), step(2, second, 30L)));
  }

  private static List<Double> map(List<Double> v, DoubleUnaryOperator f) {
    return v.stream().map(f::applyAsDouble).toList();
  }

  private static double width(ExperimentTable.Interval ci) {
    return ci.high() - ci.low();
  }

  @Test
  void shouldGiveAnIntervalThatHoldsTheMeanAndShrinksWithMoreTestSamples() {
    // given one seed measured on 20 and on 200 test samples per skill, with the same accuracies
    ExperimentTable.Row few = ExperimentTable.of(List.of(scored("adapt", 0, 20, x -> x))).methods().get(0);
    ExperimentTable.Row many = ExperimentTable.of(List.of(scored("adapt", 0, 200, x -> x))).methods().get(0);

    // then each interval holds the mean, and more test samples give a narrower one
    for (ExperimentTable.Row r : List.of(few, many)) {
      ExperimentTable.Stat acc = r.finalAvgAccuracy();
      assertThat(acc.mean()).isCloseTo(0.55, within(1e-9));
      assertThat(acc.ci95()).isNotNull();
      assertThat(acc.ci95().low()).isLessThan(acc.mean());
      assertThat(acc.ci95().high()).isGreaterThan(acc.mean());
      assertThat(r.groupsCi95()).containsOnlyKeys("ocr", "vqa");
    }
    assertThat(width(many.finalAvgAccuracy().ci95())).isLessThan(width(few.finalAvgAccuracy().ci95()) / 2);
    assertThat(width(many.groupsCi95().get("vqa"))).isLessThan(width(few.groupsCi95().get("vqa")));
  }

  @Test
  void shouldGiveTheSameIntervalsEveryTimeWhenBuiltTwice() {
    // given the same runs
    List<ExperimentTable.Run> runs = List.of(scored("adapt", 0, 30, x -> x), scored("adapt", 1, 30, x -> x * 0.5));

    // when the table is built twice, then the seeded bootstrap gives identical intervals
    assertThat(ExperimentTable.of(runs).methods().get(0).finalAvgAccuracy())
        .isEqualTo(ExperimentTable.of(runs).methods().get(0).finalAvgAccuracy());
  }

  @Test
  void shouldGiveExactlyZeroWithAZeroWidthIntervalWhenAMethodIsPairedWithItself() {
    // given two seeds of one method
    List<ExperimentTable.Run> runs = List.of(scored("adapt", 0, 25, x -> x), scored("adapt", 1, 25, x -> x * 0.8));

    // when it is paired with itself
    PairedDifferences.Pair p = PairedDifferences.pair(runs, runs, "adapt");

    // then every difference is exactly 0
    assertThat(p.seeds()).containsExactly(0L, 1L);
    for (ExperimentTable.Stat s : List.of(p.finalAvgAccuracy(), p.forgetting())) {
      assertThat(s.mean()).isEqualTo(0.0);
      assertThat(s.ci95()).isEqualTo(new ExperimentTable.Interval(0, 0));
    }
  }

  @Test
  void shouldGiveTheShiftWhenOneMethodsScoresAreShiftedByAConstant() {
    // given random's per-sample scores 0.1 below adapt's at every step and test sample, over two seeds
    List<ExperimentTable.Run> adapt = List.of(scored("adapt", 0, 25, x -> 0.1 + 0.8 * x),
        scored("adapt", 1, 25, x -> 0.1 + 0.5 * x));
    List<ExperimentTable.Run> random = List.of(scored("random", 0, 25, x -> 0.8 * x),
        scored("random", 1, 25, x -> 0.5 * x));
    List<ExperimentTable.Run> all = new ArrayList<>(adapt);
    all.addAll(random);

    // when the table pairs them
    PairedDifferences paired = ExperimentTable.of(all).pairedDifferences();

    // then adapt − random is the shift, with an interval of (numerically) zero width; forgetting does not move
    assertThat(paired.reference()).isEqualTo("adapt");
    PairedDifferences.Pair p = paired.methods().get(0);
    assertThat(p.method()).isEqualTo("random");
    assertThat(p.finalAvgAccuracy().mean()).isCloseTo(0.1, within(1e-9));
    assertThat(p.finalAvgAccuracy().ci95().low()).isCloseTo(0.1, within(1e-9));
    assertThat(p.finalAvgAccuracy().ci95().high()).isCloseTo(0.1, within(1e-9));
    assertThat(p.forgetting().mean()).isCloseTo(0, within(1e-9));
    assertThat(p.forgetting().ci95().high()).isCloseTo(0, within(1e-9));
  }

  @Test
  void shouldSkipPairedDifferencesAndSayWhyWhenAdaptIsAbsent() {
    // given random and sequential only
    List<ExperimentTable.Run> runs = List.of(scored("random", 0, 10, x -> x), scored("sequential", 0, 10, x -> x));

    // when the table is built
    ExperimentTable table = ExperimentTable.of(runs);

    // then there are no paired differences, and a note says why
    assertThat(table.pairedDifferences()).isNull();
    assertThat(table.notes()).anySatisfy(n -> assertThat(n).contains("adapt is not among the methods"));
  }

  @Test
  void shouldResampleSeedsOnlyWithoutTestScoresAndGiveNoIntervalForASingleSeed() {
    // given runs without per-test-sample scores: adapt at two seeds, random at one
    List<ExperimentTable.Run> runs = List.of(
        run("adapt", 0, List.of(plain(0, 0.2), plain(1, 0.4))),
        run("adapt", 1, List.of(plain(0, 0.2), plain(1, 0.6))),
        run("random", 0, List.of(plain(0, 0.2), plain(1, 0.3))));

    // when the table is built
    ExperimentTable table = ExperimentTable.of(runs);

    // then adapt's interval spans its seeds, random has none, and the notes say both
    ExperimentTable.Stat adapt = table.methods().get(0).finalAvgAccuracy();
    assertThat(adapt.ci95().low()).isCloseTo(0.4, within(1e-9));
    assertThat(adapt.ci95().high()).isCloseTo(0.6, within(1e-9));
    assertThat(table.methods().get(1).finalAvgAccuracy().ci95()).isNull();
    assertThat(table.notes()).anySatisfy(n -> assertThat(n).contains("resample seeds only"))
        .anySatisfy(n -> assertThat(n).contains("no confidence interval: random"));
  }

  private static DemoResult.Step plain(int t, double accuracy) {
    return new DemoResult.Step(t, "r" + t, 10, 5, 4, 0, List.of(), Map.of("vqa.colour", accuracy), accuracy,
        new DemoResult.Seconds(1, 1, 1, 0), 4, "sha" + t, List.of());
  }

  @Test
  void shouldTotalOptimizerStepsAndSamplePassesOverTheStepsAfterTheBaseModel() {
    // given two seeds recording 30 optimizer steps (240 sample passes) at each of steps 1 and 2
    List<ExperimentTable.Run> runs = List.of(scored("adapt", 0, 10, x -> x), scored("adapt", 1, 10, x -> x));

    // when the table is built
    ExperimentTable.Row row = ExperimentTable.of(runs).methods().get(0);

    // then the row has the totals over steps 1..2, and runs without them have none
    assertThat(row.optimizerSteps()).isEqualTo(60L);
    assertThat(row.samplePasses()).isEqualTo(480L);
    assertThat(row.seeds()).extracting(ExperimentTable.SeedRun::optimizerSteps).containsExactly(60L, 60L);
    ExperimentTable.Row old = ExperimentTable.of(List.of(run("adapt", 0, List.of(plain(0, 0.1), plain(1, 0.2)))))
        .methods().get(0);
    assertThat(old.optimizerSteps()).isNull();
    assertThat(old.samplePasses()).isNull();
  }

  @Test
  void shouldMeasureRelativeGainAgainstJointWhenItRanAndSayWhich() {
    // given adapt, multitask and joint at one seed
    List<ExperimentTable.Run> runs = List.of(scored("adapt", 0, 20, x -> 0.5 * x),
        scored("multitask", 0, 20, x -> x), scored("joint", 0, 20, x -> 0.25 + 0.5 * x));

    // when the table is built
    ExperimentTable table = ExperimentTable.of(runs);

    // then joint is the 100%, with a note saying so, and the paired gain interval holds the mean
    assertThat(table.gainReference()).isEqualTo("joint");
    assertThat(table.notes()).anySatisfy(n -> assertThat(n).startsWith("relative gain against joint"));
    ExperimentTable.Row joint = table.methods().get(2);
    assertThat(joint.relativeGain().mean()).isCloseTo(100, within(1e-9));
    assertThat(joint.relativeGain().ci95().low()).isCloseTo(100, within(1e-9));
    ExperimentTable.Stat adaptGain = table.methods().get(0).relativeGain();
    assertThat(adaptGain.mean()).isCloseTo(100 * 0.275 / 0.525, within(1e-9));
    assertThat(adaptGain.ci95().low()).isLessThan(adaptGain.mean());
    assertThat(adaptGain.ci95().high()).isGreaterThan(adaptGain.mean());
  }

  @Test
  void shouldReadBackTheTableItWrote(@org.junit.jupiter.api.io.TempDir Path tmp) throws java.io.IOException {
    // given a table with intervals, paired differences and diagnostics
    ExperimentTable table = ExperimentTable.of(List.of(scored("adapt", 0, 10, x -> x),
        scored("random", 0, 10, x -> x * 0.5), scored("multitask", 0, 10, x -> x)));

    // when it is written and read back, then nothing is lost
    table.write(tmp.resolve(ExperimentTable.FILE_NAME));
    assertThat(ExperimentTable.read(tmp.resolve(ExperimentTable.FILE_NAME))).isEqualTo(table);
  }
}
