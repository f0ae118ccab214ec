package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.model.Evaluator.Decoding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cached (key/value) decoding against the full rerun of the network at every step, which is the reference: same
 * answers and the same next-token logits, whatever the mix of image counts, prompt and answer lengths in a batch.
 */
class EvaluatorDecodingTest {

  private static final ModelConfig CONFIG = SyntheticSamples.tinyConfig().withMaxImages(3).withMaxTextTokens(112);
  private static final int MARGIN = 8;
  private static VisionLanguageModel model;
  /** Random weights: rarely says a special token, so rows decode long answers (caption: 60+ bytes). */
  private static VisionLanguageModel untrained;
  private static SyntheticSamples data;

  @BeforeAll
  static void trainBriefly() {
    data = new SyntheticSamples(21);
    model = VisionLanguageModel.create(CONFIG, 13, ComputeDevice.CPU);
    untrained = VisionLanguageModel.create(CONFIG, 17, ComputeDevice.CPU);
    // a few Adam steps: the answers become byte strings that differ from row to row, not one repeated byte
    new ModelTrainer().train(model, data.varied(160), new TrainOptions(6, 16, 3e-3f, 1, 0f));
  }

  @AfterAll
  static void close() {
    model.close();
    untrained.close();
  }

  /** 0 to 3 images, answers of 1 to ~80 bytes, prompts from a few bytes to the text limit, a long dialogue. */
  private static List<Example> mixedExamples() {
    List<Example> out = new ArrayList<>(data.varied(10));
    byte[] red = data.image(0, 0, 32);
    byte[] green = data.image(1, 1, 32);
    byte[] blue = data.image(2, 2, 40);
    out.add(Example.of("three", "<image><image><image>Which image shows the blue square?", "the third one",
        List.of(red, green, blue), "compare"));
    out.add(Example.of("caption", "<image>\nDescribe the picture in detail.",
        "A small red square sits in the top left corner of a grey and rather noisy picture, alone.",
        List.of(red), "describe"));
    // prompt of 100 bytes: BOS + 100 + SEP leaves 10 answer slots of 112, so the budget is cut by the limit
    out.add(Example.of("near-limit", ("What colour is the square? " + "x".repeat(100)).substring(0, 100), "red",
        List.of(green), "colour"));
    // BOS + 109 + SEP + EOS = 112: the budget is a single token, so this row finishes after the prompt's step
    out.add(Example.of("one-slot", "w".repeat(109), "", List.of(), "text"));
    out.add(new Example("dialogue", List.of(Turn.human("<image>What colour is the square?"), Turn.gpt("blue"),
        Turn.human("And where is it? " + "Think carefully about the corners. ".repeat(4)), Turn.gpt("top right"),
        Turn.human("Say it once more.")), List.of(blue), "position"));
    out.add(Example.of("short", "2+2?", "4", List.of(), "text"));
    Collections.shuffle(out, new Random(5));
    return out;
  }

  private static List<String> generate(Decoding decoding, int batchSize, List<Example> examples) {
    return new Evaluator(batchSize, MARGIN, decoding).generate(model, examples);
  }

  /** Logits of the first steps per (step, row), from one batch of all the samples. */
  private static Map<String, float[]> stepLogits(VisionLanguageModel model, Decoding decoding,
      List<ExampleLayout> chunk, int steps) {
    Map<String, float[]> out = new HashMap<>();
    int v = ByteTokenizer.VOCAB_SIZE;
    VisionLanguageModel.withoutGradients(() -> new Evaluator(chunk.size(), MARGIN, decoding).generateBatch(model,
        chunk, (step, rows, logits) -> {
          if (step < steps) {
            for (int r = 0; r < rows.length; r++) {
              out.put(step + "/" + rows[r], java.util.Arrays.copyOfRange(logits, r * v, (r + 1) * v));
            }
          }
        }));
    return out;
  }

  @Test
  void shouldGiveTheFullRerunsAnswersWhenRowsDifferInImagesPromptsAndAnswerLengths() {
    // given
    List<Example> examples = mixedExamples();
    assertThat(examples.stream().map(e -> e.images().size())).contains(0, 1, 2, 3);

    // when: one batch of everything, and batches of 4 (grouped by shape)
    List<String> reference = generate(Decoding.FULL_RERUN, examples.size(), examples);
    List<String> cachedOneBatch = generate(Decoding.KV_CACHE, examples.size(), examples);
    List<String> cachedSmallBatches = generate(Decoding.KV_CACHE, 4, examples);

    // then
    assertThat(cachedOneBatch).containsExactlyElementsOf(reference);
    assertThat(cachedSmallBatches).containsExactlyElementsOf(reference);
    Set<String> distinct = new HashSet<>(reference);
    assertThat(distinct).as("non-trivial answers: %s", reference).hasSizeGreaterThan(3);
  }

  @Test
  void shouldGiveTheSameNextTokenLogitsAsTheFullRerunInTheFirstSteps() {
    // given
    List<ExampleLayout> chunk = ExampleLayout.of(mixedExamples(), CONFIG);

    // when
    Map<String, float[]> reference = stepLogits(model, Decoding.FULL_RERUN, chunk, 4);
    Map<String, float[]> cached = stepLogits(model, Decoding.KV_CACHE, chunk, 4);

    // then: every row at step 0, and the rows still going at steps 1 to 3
    assertThat(reference.keySet()).hasSizeGreaterThan(chunk.size() * 2);
    assertSameLogits(cached, reference);
  }

  @Test
  void shouldMatchTheFullRerunAtEveryStepWhenRowsDecodeLongAnswers() {
    // given
    List<Example> examples = mixedExamples();
    List<ExampleLayout> chunk = ExampleLayout.of(examples, CONFIG);

    // when
    Map<String, float[]> reference = stepLogits(untrained, Decoding.FULL_RERUN, chunk, Integer.MAX_VALUE);
    Map<String, float[]> cached = stepLogits(untrained, Decoding.KV_CACHE, chunk, Integer.MAX_VALUE);
    List<String> referenceAnswers = new Evaluator(examples.size(), MARGIN, Decoding.FULL_RERUN)
        .generate(untrained, examples);
    List<String> cachedAnswers = new Evaluator(examples.size(), MARGIN, Decoding.KV_CACHE)
        .generate(untrained, examples);

    // then: rows decode long answers (the caption's budget is 89 + 1 + 8 tokens) and some stop at once
    int caption = examples.indexOf(examples.stream().filter(e -> e.id().equals("caption")).findFirst()
        .orElseThrow());
    assertThat(reference.keySet()).contains("60/" + caption);
    assertThat(referenceAnswers.stream().mapToInt(String::length).min().orElseThrow()).isLessThanOrEqualTo(1);
    assertSameLogits(cached, reference);
    assertThat(cachedAnswers).containsExactlyElementsOf(referenceAnswers);
  }

  private static void assertSameLogits(Map<String, float[]> cached, Map<String, float[]> reference) {
    assertThat(cached.keySet()).containsExactlyInAnyOrderElementsOf(reference.keySet());
    for (Map.Entry<String, float[]> e : reference.entrySet()) {
      float[] want = e.getValue();
      float[] got = cached.get(e.getKey());
      float diff = 0;
      float scale = 0;
      for (int i = 0; i < want.length; i++) {
        diff = Math.max(diff, Math.abs(want[i] - got[i]));
        scale = Math.max(scale, Math.abs(want[i]));
      }
      assertThat(diff / scale).as("step/row %s", e.getKey()).isLessThan(1e-4f);
    }
  }

  @Test
  void shouldGiveTheSameAnswersAtBatchSizeOneAsInABatch() {
    // given
    List<Example> examples = mixedExamples().subList(0, 8);

    // when
    List<String> alone = generate(Decoding.KV_CACHE, 1, examples);
    List<String> aloneReference = generate(Decoding.FULL_RERUN, 1, examples);
    List<String> batched = generate(Decoding.KV_CACHE, 8, examples);

    // then
    assertThat(alone).containsExactlyElementsOf(aloneReference).containsExactlyElementsOf(batched);
  }

  @Test
  void shouldDropARowThatFinishesAtOnceAndKeepDecodingTheOthers() {
    // given: a row whose budget is one token, next to a long caption
    List<Example> examples = mixedExamples();
    Example oneSlot = examples.stream().filter(e -> e.id().equals("one-slot")).findFirst().orElseThrow();
    Example caption = examples.stream().filter(e -> e.id().equals("caption")).findFirst().orElseThrow();
    List<ExampleLayout> chunk = ExampleLayout.of(List.of(oneSlot, caption), CONFIG);
    List<List<Integer>> rowsPerStep = new ArrayList<>();

    // when
    List<String> cached = VisionLanguageModel.withoutGradients(() -> new Evaluator(2, MARGIN, Decoding.KV_CACHE)
        .generateBatch(model, chunk, (step, rows, logits) -> rowsPerStep.add(
            java.util.Arrays.stream(rows).boxed().toList())));
    List<String> reference = generate(Decoding.FULL_RERUN, 2, List.of(oneSlot, caption));

    // then
    assertThat(cached).containsExactlyElementsOf(reference);
    assertThat(cached.get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1);
    assertThat(rowsPerStep.get(0)).containsExactly(0, 1);
    assertThat(rowsPerStep.subList(1, rowsPerStep.size())).isNotEmpty().allSatisfy(rows ->
        assertThat(rows).containsExactly(1));
  }

  @Test
  void shouldDecodeWithTheCacheUnlessTheFullRerunIsAskedFor() {
    assertThat(new Evaluator().decoding()).isEqualTo(Decoding.KV_CACHE);
    assertThat(new Evaluator(8, 4).decoding()).isEqualTo(Decoding.KV_CACHE);
    assertThat(new Evaluator(8, 4, Decoding.FULL_RERUN).decoding()).isEqualTo(Decoding.FULL_RERUN);
  }

  @Test
  void shouldLeaveNoArraysBehindOnTheModelsManager() {
    // given
    List<Example> examples = mixedExamples();
    generate(Decoding.KV_CACHE, 4, examples);
    int before = model.manager().getManagedArrays().size();

    // when
    generate(Decoding.KV_CACHE, 4, examples);
    generate(Decoding.KV_CACHE, examples.size(), examples);

    // then
    assertThat(model.manager().getManagedArrays()).hasSize(before);
  }
}
