package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.benchmark.SkillWorld;
import io.adaptstream.benchmark.Size;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The regime of the comparison protocol (docs/benchmark.md, "The comparison protocol"): after pretraining with P
 * optimizer steps and one time step of S steps on a budget of B samples of the first task release, at the main
 * table's QUICK size, the model answers that release's held-out colour and shape questions clearly above chance.
 * The knee sweep found the regime only partly reached (positions, OCR and most later skills stay near chance at
 * this budget), so this checks the part that holds; the values are the protocol's (adapt-cli {@code Protocol}).
 */
class SkillWorldLearningTest {

  private static final Logger LOG = LoggerFactory.getLogger(SkillWorldLearningTest.class);

  /** The protocol's pretraining steps (P), steps per time step (S) and budget (B). */
  private static final int P = 2000;
  private static final int S = 200;
  private static final int B = 100;

  @Test
  void shouldAnswerHeldOutColourAndShapeQuestionsAboveChanceAfterPretrainingAndOneBudgetedStep(@TempDir Path dir)
      throws Exception {
    // given the QUICK benchmark's pretraining release and a random budget of its first task release
    SkillWorld.generate(dir, 0, Size.QUICK);
    List<Example> pretrain = SkillWorldExamples.load(dir, "pretrain.json", "train");
    List<Example> r1 = new ArrayList<>(SkillWorldExamples.load(dir, "r1-llava-mix.json", "train"));
    Collections.shuffle(r1, new Random(5));
    List<Example> budget = r1.subList(0, B);
    List<Example> tests = SkillWorldExamples.load(dir, "r1-llava-mix.json", "test");

    // when a fresh model is pretrained with P steps, then trained S steps on the budget (the protocol's settings)
    try (VisionLanguageModel model = VisionLanguageModel.create(ModelConfig.cpu(), 7, ComputeDevice.CPU)) {
      ModelTrainer trainer = new ModelTrainer();
      TrainOptions options = TrainOptions.defaults().withBatchSize(8).withLearningRate(1e-3f);
      TrainReport base = trainer.train(model, pretrain, options.withSteps(P).withSeed(1));
      TrainReport step = trainer.train(model, budget, options.withSteps(S).withSeed(2));
      EvalReport report = new Evaluator().evaluate(model, tests);
      LOG.info("pretrain pass losses {}, step pass losses {}, held-out accuracy {}", base.epochLosses(),
          step.epochLosses(), report.sortedAccuracy());

      // then the step made exactly S steps and its loss fell, and colour (6 colours: chance 1/6) and shape (4
      // shapes: chance 1/4) are answered from the pixels clearly more often than chance (by half again: the sweep
      // found twice chance only for some skills, so the protocol's regime is partly reached)
      assertThat(step.optimizerSteps()).isEqualTo(S);
      assertThat(step.epochLosses().get(step.epochLosses().size() - 1)).isLessThan(step.epochLosses().get(0));
      Map<String, Double> acc = report.accuracy();
      assertThat(acc.get("vqa.colour")).as("colour, chance 1/6").isGreaterThanOrEqualTo(1.5 / 6);
      assertThat(acc.get("vqa.shape")).as("shape, chance 1/4").isGreaterThanOrEqualTo(1.5 / 4);
    }
  }
}
