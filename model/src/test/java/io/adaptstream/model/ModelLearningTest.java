package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One short training run (288 Adam steps on the tiny config), then what the trained model does. */
class ModelLearningTest {

  private static VisionLanguageModel model;
  private static TrainReport report;
  private static final List<Float> stepLosses = new ArrayList<>();
  private static SyntheticSamples data;

  @BeforeAll
  static void train() {
    data = new SyntheticSamples(1);
    model = VisionLanguageModel.create(SyntheticSamples.tinyConfig(), 7, ComputeDevice.CPU);
    List<Example> training = data.mixed(384);
    ModelTrainer trainer = new ModelTrainer((epoch, step, steps, loss) -> stepLosses.add(loss));
    report = trainer.train(model, training, new TrainOptions(12, 16, 3e-3f, 1, 0.1f));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void shouldLowerTheLossClearly() {
    assertThat(stepLosses).hasSize(12 * 24);
    assertThat(report.samplePasses()).isEqualTo(12L * 384);
    assertThat(report.optimizerSteps()).isEqualTo(12L * 24);
    assertThat(report.epochLosses()).hasSize(12);
    assertThat(report.epochLosses().get(11)).isLessThan(report.epochLosses().get(0) / 4);
    assertThat(report.epochLosses().get(11)).isLessThan(0.6f);
    assertThat(stepLosses.get(0)).isGreaterThan(4f); // ≈ ln(260) at the start
  }

  @Test
  void shouldAnswerHeldOutColourQuestionsWellAboveChance() {
    // given: new images (chance is 1 in 4)
    List<Example> tests = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tests.add(data.colour());
    }

    // when
    EvalReport eval = new Evaluator().evaluate(model, tests);

    // then
    assertThat(eval.accuracy()).containsOnlyKeys("colour");
    assertThat(eval.support()).containsEntry("colour", 40L);
    assertThat(eval.accuracy().get("colour")).isGreaterThanOrEqualTo(0.75);
    assertThat(eval.average()).isEqualTo(eval.accuracy().get("colour"));
  }

  @Test
  void shouldReportPerGroupAccuracyAndTheirMean() {
    // given
    List<Example> tests = new ArrayList<>(data.mixed(12));
    Example ungrouped = data.text();
    tests.add(new Example(ungrouped.id(), ungrouped.turns(), ungrouped.images(), null));

    // when
    EvalReport eval = new Evaluator(5, 4).evaluate(model, tests);

    // then
    assertThat(eval.support()).containsEntry("colour", 4L).containsEntry("position", 4L)
        .containsEntry("text", 4L).containsEntry(Evaluator.UNGROUPED, 1L);
    double mean = eval.accuracy().values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertThat(eval.average()).isCloseTo(mean, within(1e-12));
    assertThat(eval.accuracy().values()).allSatisfy(a -> assertThat(a).isBetween(0.0, 1.0));
  }

  @Test
  void shouldReportEveryExamplesScorePerGroupInTheOrderGiven() {
    // given
    List<Example> tests = data.mixed(15);

    // when
    EvalReport eval = new Evaluator(4, 4).evaluate(model, tests);
    List<String> answers = new Evaluator(4, 4).generate(model, tests);

    // then: each group's scores are its examples' metric scores, in input order, and average to its accuracy
    List<ExampleLayout> samples = ExampleLayout.of(tests, model.config());
    Map<String, List<Double>> expected = new HashMap<>();
    for (int i = 0; i < samples.size(); i++) {
      expected.computeIfAbsent(samples.get(i).group, g -> new ArrayList<>())
          .add(AnswerMetric.score(answers.get(i), samples.get(i).reference));
    }
    assertThat(eval.itemScores()).isEqualTo(expected);
    eval.itemScores().forEach((group, scores) -> {
      assertThat(scores).hasSize(eval.support().get(group).intValue());
      assertThat(scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow())
          .isCloseTo(eval.accuracy().get(group), within(1e-12));
    });
  }

  @Test
  void shouldScoreLabelNoiseWithHigherPerplexityAndEl2n() {
    // given
    List<Example> clean = new ArrayList<>();
    List<Example> noisy = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      clean.add(data.colour(false));
      noisy.add(data.colour(true));
    }

    // when
    List<SampleSignals> cleanSignals = new SampleScorer(16).score(model, clean);
    List<SampleSignals> noisySignals = new SampleScorer(16).score(model, noisy);

    // then
    assertThat(mean(noisySignals, SampleSignals::perplexity)).isGreaterThan(1.5 * mean(cleanSignals,
        SampleSignals::perplexity));
    assertThat(mean(noisySignals, SampleSignals::el2n)).isGreaterThan(2 * mean(cleanSignals, SampleSignals::el2n));
    assertThat(mean(cleanSignals, SampleSignals::grounding)).isPositive();
  }

  @Test
  void shouldGiveTextOnlySamplesExactlyZeroGrounding() {
    // given
    List<Example> mixed = data.mixed(12);

    // when
    List<SampleSignals> signals = new SampleScorer(5).score(model, mixed);

    // then
    for (int i = 0; i < mixed.size(); i++) {
      if (mixed.get(i).images().isEmpty()) {
        assertThat(signals.get(i).grounding()).isZero();
      } else {
        assertThat(signals.get(i).grounding()).isNotZero();
      }
    }
  }

  @Test
  void shouldReturnUnitSketchesAndEmbeddingsAndFiniteScores() {
    // when
    List<SampleSignals> signals = new SampleScorer().score(model, data.mixed(6));

    // then
    for (SampleSignals s : signals) {
      assertThat(s.sketch()).hasSize(64);
      assertThat(s.embedding()).hasSize(64);
      assertThat(norm(s.sketch())).isCloseTo(1.0, within(1e-5));
      assertThat(norm(s.embedding())).isCloseTo(1.0, within(1e-5));
      assertThat(s.perplexity()).isGreaterThanOrEqualTo(1.0).isFinite();
      assertThat(s.el2n()).isBetween(0.0, Math.sqrt(2));
      assertThat(s.entropy()).isBetween(0.0, Math.log(ByteTokenizer.VOCAB_SIZE));
      assertThat(s.grand()).isPositive().isFinite();
    }
  }

  private static double mean(List<SampleSignals> signals, ToDoubleFunction<SampleSignals> f) {
    return signals.stream().mapToDouble(f).average().orElseThrow();
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}
