package io.adaptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.IncomingEval;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.model.AnswerMetric;
import io.adaptstream.model.CheckpointRef;
import io.adaptstream.model.ComputeDevice;
import io.adaptstream.model.Evaluator;
import io.adaptstream.model.Example;
import io.adaptstream.model.TrainOptions;
import io.adaptstream.model.BuiltinLearner;
import io.adaptstream.model.Learner;
import io.adaptstream.model.LearnerConfig;
import io.adaptstream.model.Learners;
import io.adaptstream.model.VisionLanguageModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's core without a broker: train, evaluate with per-sample scores, store the checkpoint. */
class VersionMakerTest {

  private static final int EVAL_BATCH = 4;

  @TempDir
  Path dir;

  private FileBlobStore blobs;

  @BeforeEach
  void blobs() {
    blobs = new FileBlobStore(dir.resolve("blobs"));
  }

  /** Ten text questions that all answer "y": a rule a tiny model learns in a few dozen steps. */
  private static List<Example> yesSayers() {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      out.add(Example.of("train-" + i, "question number " + i + "?", "y", List.of(), "train"));
    }
    return out;
  }

  /**
   * Test samples in two groups, given out of id order; half expect "y", half "n", so a model that learned the rule
   * scores 1 on some and 0 on others and the order of the scores shows.
   */
  private static List<Example> tests() {
    String[] ids = {"t7", "t2", "t9", "t0", "t5", "t3", "t8", "t1", "t6", "t4"};
    List<Example> out = new ArrayList<>();
    for (String id : ids) {
      int n = Integer.parseInt(id.substring(1));
      out.add(Example.of(id, "question " + id + "?", n % 3 == 0 ? "n" : "y", List.of(), n % 2 == 0 ? "even" : "odd"));
    }
    return out;
  }

  private static TrainOptions steps(int steps) {
    return TrainOptions.defaults().withBatchSize(4).withSteps(steps).withLearningRate(1e-2f).withSeed(3);
  }

  @Test
  void shouldTrainTheGivenStepsAndReportScoresOrderedByTestIdThatAverageToTheAccuracy() throws IOException {
    // given
    VersionMaker maker = new VersionMaker("m", blobs, EVAL_BATCH, TrainerListener.NONE);
    List<Example> tests = tests();

    try (Learner model = new BuiltinLearner(VisionLanguageModel.create(TrainerFixtures.TINY, 5, ComputeDevice.CPU))) {
      // when
      VersionMaker.Result made = maker.make(2, "r2", model, yesSayers(), steps(60), tests);

      // then: exactly the steps asked for, of full batches
      assertThat(made.training().optimizerSteps()).isEqualTo(60);
      assertThat(made.training().samplePasses()).isEqualTo(240);
      assertThat(made.version().getOptimizerSteps()).isEqualTo(60);
      assertThat(made.version().getSamplePasses()).isEqualTo(240);
      assertThat(made.version().getTrainedSamples()).isEqualTo(10);
      assertThat(made.version().getVersion()).isEqualTo(2);
      assertThat(made.version().getRelease()).isEqualTo("r2");
      assertThat(made.version().getTrainLoss()).isEqualTo(made.training().lastPassLoss());

      // and each group's scores are its samples' scores in test id order
      EvalResult eval = made.evaluation();
      List<Example> byId = new ArrayList<>(tests);
      byId.sort(Comparator.comparing(Example::id));
      List<String> answers = new Evaluator(EVAL_BATCH, 8).generate(((BuiltinLearner) model).model(), byId);
      Map<String, List<Double>> expected = new HashMap<>();
      for (int i = 0; i < byId.size(); i++) {
        Example e = byId.get(i);
        expected.computeIfAbsent(e.group(), g -> new ArrayList<>())
            .add(AnswerMetric.score(answers.get(i), e.turns().get(1).text()));
      }
      assertThat(eval.getItemScores()).isEqualTo(expected);
      assertThat(eval.getItemScores().values().stream().flatMap(List::stream).distinct()).hasSize(2);
      for (Map.Entry<String, List<Double>> e : eval.getItemScores().entrySet()) {
        double mean = e.getValue().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(mean).isCloseTo(eval.getAccuracy().get(e.getKey()), within(1e-12));
        assertThat((long) e.getValue().size()).isEqualTo(eval.getSupport().get(e.getKey()));
      }
      assertThat(eval.getTestSamples()).isEqualTo(10);

      // and the checkpoint loads back with the same identity
      CheckpointRef ref = made.checkpoint();
      assertThat(made.version().getSha256()).isEqualTo(ref.sha256());
      try (Learner loaded = Learners.load(LearnerConfig.builtin(), blobs, ref.sha256(), ref.configJson(),
          ComputeDevice.CPU)) {
        assertThat(loaded.save(blobs).sha256()).isEqualTo(ref.sha256());
      }
    }
  }

  @Test
  void shouldFitFromAStoredBaseAndGiveIndexAlignedScoresAcrossRuns() throws IOException {
    // given a base checkpoint, as the command line's joint reference starts from
    CheckpointRef base;
    try (Learner model = new BuiltinLearner(VisionLanguageModel.create(TrainerFixtures.TINY, 9, ComputeDevice.CPU))) {
      base = model.save(blobs);
    }
    VersionMaker maker = new VersionMaker("joint", blobs, EVAL_BATCH, TrainerListener.NONE);
    List<int[]> steps = new ArrayList<>();
    VersionMaker counting = new VersionMaker("joint", blobs, EVAL_BATCH, new TrainerListener() {
      @Override
      public void onTrainingStep(int version, int step, int totalSteps, int stepsPerEpoch, float loss) {
        steps.add(new int[] {step, totalSteps});
      }
    });
    List<Example> tests = tests();
    List<Example> reversed = new ArrayList<>(tests);
    Collections.reverse(reversed);

    // when: one short fit, and an untrained evaluation of the base on the same tests in another order
    VersionMaker.Result fit = counting.make(1, null, LearnerConfig.builtin(), base, ComputeDevice.CPU, yesSayers(), steps(7), tests);
    VersionMaker.Result untrained = maker.make(0, null, LearnerConfig.builtin(), base, ComputeDevice.CPU, List.of(), steps(7), reversed);

    // then
    assertThat(steps).hasSize(7);
    assertThat(steps.get(6)).containsExactly(6, 7);
    assertThat(fit.version().getOptimizerSteps()).isEqualTo(7);
    assertThat(fit.version().getSha256()).isNotEqualTo(base.sha256());
    assertThat(untrained.training()).isNull();
    assertThat(untrained.version().getOptimizerSteps()).isZero();
    assertThat(untrained.version().getSamplePasses()).isZero();
    assertThat(untrained.version().getTrainLoss()).isNull();
    assertThat(untrained.version().getSha256()).isEqualTo(base.sha256());
    assertThat(untrained.evaluation().getItemScores().keySet())
        .isEqualTo(fit.evaluation().getItemScores().keySet());
    fit.evaluation().getItemScores().forEach((group, scores) ->
        assertThat(untrained.evaluation().getItemScores().get(group)).hasSameSizeAs(scores));
  }

  @Test
  void shouldGiveAnEmptyEvaluationWithoutTestsAndRefuseDuplicateTestIds() throws IOException {
    VersionMaker maker = new VersionMaker("m", blobs, EVAL_BATCH, TrainerListener.NONE);
    try (Learner model = new BuiltinLearner(VisionLanguageModel.create(TrainerFixtures.TINY, 5, ComputeDevice.CPU))) {
      // when
      VersionMaker.Result made = maker.make(1, "r1", model, List.of(), steps(3), List.of());

      // then
      assertThat(made.evaluation().getItemScores()).isEmpty();
      assertThat(made.evaluation().getTestSamples()).isZero();
      assertThat(made.evaluation().getAvgAccuracy()).isZero();
      Example t = tests().get(0);
      assertThatThrownBy(() -> maker.evaluate(1, model, List.of(t, t))).hasMessageContaining(t.id());
    }
  }

  @Test
  void shouldReportTheAccuracyPerReleaseFromTheSameScoresWhenTheTestSamplesReleasesAreGiven() throws IOException {
    // given the ten tests split over two releases (t0..t5 in rA, t6..t9 in rB) and one test of no named release
    VersionMaker maker = new VersionMaker("m", blobs, EVAL_BATCH, TrainerListener.NONE);
    Map<String, String> releaseOf = new HashMap<>();
    for (Example e : tests()) {
      int n = Integer.parseInt(e.id().substring(1));
      if (n != 4) {
        releaseOf.put(e.id(), n <= 5 ? "rA" : "rB");
      }
    }
    try (Learner model = new BuiltinLearner(VisionLanguageModel.create(TrainerFixtures.TINY, 5, ComputeDevice.CPU))) {
      // when
      VersionMaker.Result made = maker.make(1, "rB", model, yesSayers(), steps(40), tests(), releaseOf, null);

      // then each release's accuracy is the mean score of its own samples, found by id in the group score lists
      EvalResult eval = made.evaluation();
      Map<String, List<Double>> scoresByRelease = new HashMap<>();
      List<Example> byId = new ArrayList<>(tests());
      byId.sort(Comparator.comparing(Example::id));
      Map<String, Integer> seen = new HashMap<>();
      for (Example e : byId) {
        int i = seen.merge(e.group(), 1, Integer::sum) - 1;
        if (releaseOf.containsKey(e.id())) {
          scoresByRelease.computeIfAbsent(releaseOf.get(e.id()), r -> new ArrayList<>())
              .add(eval.getItemScores().get(e.group()).get(i));
        }
      }
      assertThat(eval.getReleaseSupport()).containsOnly(Map.entry("rA", 5L), Map.entry("rB", 4L));
      assertThat(eval.getReleaseAccuracy()).containsOnlyKeys("rA", "rB");
      scoresByRelease.forEach((release, scores) -> assertThat(eval.getReleaseAccuracy().get(release))
          .isCloseTo(scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), within(1e-12)));
      assertThat(eval.getIncoming()).isNull();
    }
  }

  @Test
  void shouldEvaluateThePreviousAndTheBaseModelOnTheIncomingReleaseWhenAskedBeforeTraining() throws IOException {
    // given two different models and the incoming release's tests
    VersionMaker maker = new VersionMaker("m", blobs, EVAL_BATCH, TrainerListener.NONE);
    List<Example> tests = tests();
    try (Learner previous = new BuiltinLearner(VisionLanguageModel.create(TrainerFixtures.TINY, 5,
        ComputeDevice.CPU));
        Learner base = new BuiltinLearner(VisionLanguageModel.create(TrainerFixtures.TINY, 9, ComputeDevice.CPU))) {
      maker.train(1, previous, yesSayers(), steps(40));

      // when
      IncomingEval incoming = maker.evaluateIncoming(2, "r2", previous, base, tests, 0.5);
      IncomingEval withoutBase = maker.evaluateIncoming(2, "r2", previous, null, tests, 0);

      // then each part is what an ordinary evaluation of that model on those tests gives
      EvalResult previousEval = maker.evaluate(1, previous, tests);
      EvalResult baseEval = maker.evaluate(0, base, tests);
      assertThat(incoming.getRelease()).isEqualTo("r2");
      assertThat(incoming.getTestSamples()).isEqualTo(10);
      assertThat(incoming.getSupport()).isEqualTo(previousEval.getSupport());
      assertThat(incoming.getPreviousAccuracy()).isEqualTo(previousEval.getAccuracy());
      assertThat(incoming.getBaseAccuracy()).isEqualTo(baseEval.getAccuracy());
      assertThat(incoming.getPreviousReleaseAccuracy()).isCloseTo(sampleMean(previousEval), within(1e-12));
      assertThat(incoming.getBaseReleaseAccuracy()).isCloseTo(sampleMean(baseEval), within(1e-12));
      assertThat(incoming.getEvalSeconds()).isGreaterThanOrEqualTo(0.5);
      assertThat(withoutBase.getBaseAccuracy()).isEmpty();
      assertThat(withoutBase.getBaseReleaseAccuracy()).isNull();
      assertThat(withoutBase.getPreviousAccuracy()).isEqualTo(previousEval.getAccuracy());
      assertThat(maker.evaluateIncoming(2, "r2", previous, base, List.of(), 0)).isNull();
    }
  }

  private static double sampleMean(EvalResult eval) {
    return eval.getItemScores().values().stream().flatMap(List::stream).mapToDouble(Double::doubleValue).average()
        .orElseThrow();
  }
}
