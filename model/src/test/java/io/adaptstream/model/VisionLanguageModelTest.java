package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VisionLanguageModelTest {

  private static VisionLanguageModel model;
  private static final SyntheticSamples DATA = new SyntheticSamples(11);
  private static final ModelConfig CONFIG = SyntheticSamples.tinyConfig();

  @BeforeAll
  static void createModel() {
    model = VisionLanguageModel.create(CONFIG, 5, ComputeDevice.CPU);
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  /** Text logits of each sample (its own length only), with the given images shown or hidden. */
  private static float[][] logits(List<Example> examples, boolean[] show) {
    List<ExampleLayout> samples = ExampleLayout.of(examples, CONFIG);
    return VisionLanguageModel.withoutGradients(() -> {
      try (NDManager m = model.manager().newSubManager()) {
        Batch batch = Batch.of(m, CONFIG, samples, show);
        NDArray all = model.forward(batch, false, null).get(0);
        float[] flat = all.toFloatArray();
        int v = ByteTokenizer.VOCAB_SIZE;
        float[][] out = new float[samples.size()][];
        for (int i = 0; i < samples.size(); i++) {
          int from = i * batch.textLength * v;
          out[i] = Arrays.copyOfRange(flat, from, from + samples.get(i).tokens.length * v);
        }
        return out;
      }
    });
  }

  private static float maxAbsDifference(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  @Test
  void shouldComputeTheSameTextWhenImagesAreHiddenAsWhenAbsent() {
    // given: a sample whose image is hidden, batched with one whose image is shown (so the prefix exists)
    Example shown = DATA.colour();
    Example hidden = DATA.position();
    Example withoutImage = new Example(hidden.id(), hidden.turns(), List.of(), null);

    // when
    float[][] batched = logits(List.of(shown, hidden), new boolean[] {true, false});
    float[][] alone = logits(List.of(withoutImage), new boolean[] {true});

    // then
    assertThat(maxAbsDifference(batched[1], alone[0])).isLessThan(1e-5f);
  }

  @Test
  void shouldNotChangeASamplesOutputWhenBatchedWithLongerOrImageSamples() {
    // given
    Example text = DATA.text();
    Example other = Example.of("long", "<image> a much longer question than the other one?", "and an answer",
        List.of(DATA.image(1, 2, 32), DATA.image(2, 3, 32)), null);

    // when
    float[][] batched = logits(List.of(other, text), new boolean[] {true, true});
    float[][] alone = logits(List.of(text), new boolean[] {true});

    // then
    assertThat(maxAbsDifference(batched[1], alone[0])).isLessThan(1e-5f);
  }

  @Test
  void shouldSeeTheImagesAndTheirOrder() {
    // given
    byte[] red = DATA.image(0, 0, 32);
    byte[] blue = DATA.image(2, 3, 32);
    Example redFirst = Example.of("a", "<image><image>which?", "x", List.of(red, blue), null);
    Example blueFirst = Example.of("b", "<image><image>which?", "x", List.of(blue, red), null);
    Example onlyRed = Example.of("c", "<image><image>which?", "x", List.of(red), null);

    // when
    float[][] out = logits(List.of(redFirst, blueFirst, onlyRed), new boolean[] {true, true, true});

    // then: the image-index embedding makes order matter; a second image changes the answer's logits
    assertThat(maxAbsDifference(out[0], out[1])).isGreaterThan(1e-4f);
    assertThat(maxAbsDifference(out[0], out[2])).isGreaterThan(1e-4f);
  }

  @Test
  void shouldRefuseAGpuWithAClearMessageWhenThereIsNone() {
    assumeThat(Engine.getInstance().getGpuCount()).isZero();

    assertThatThrownBy(() -> VisionLanguageModel.create(CONFIG, 1, ComputeDevice.GPU))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("--device gpu")
        .hasMessageContaining("no GPU");
    assertThat(ComputeDevice.parse("CPU")).isEqualTo(ComputeDevice.CPU);
    assertThatThrownBy(() -> ComputeDevice.parse("tpu")).hasMessageContaining("cpu or gpu");
  }

  @Test
  void shouldLeaveNoArraysBehindOnTheModelsManager() {
    // given
    List<Example> examples = DATA.mixed(12);
    TrainOptions options = TrainOptions.defaults().withBatchSize(4);
    new ModelTrainer().train(model, examples.subList(0, 8), options);
    new SampleScorer(4).score(model, examples);
    new Evaluator(4, 2).evaluate(model, examples.subList(0, 4));
    int before = model.manager().getManagedArrays().size();

    // when
    new ModelTrainer().train(model, examples.subList(0, 8), options);
    new SampleScorer(4).score(model, examples);
    new Evaluator(4, 2).evaluate(model, examples.subList(0, 4));
    model.logits(examples.subList(0, 3));
    SampleScorer.autogradLoop(model, examples.subList(0, 2), false);

    // then
    assertThat(model.manager().getManagedArrays()).hasSize(before);
  }

  @Test
  void shouldExplainWhyAnExampleIsUnusable() {
    assertThatThrownBy(() -> model.validate(new Example("x", List.of(Turn.human("hi")), List.of(), null)))
        .isInstanceOf(InvalidExampleException.class)
        .satisfies(e -> assertThat(((InvalidExampleException) e).exampleId()).isEqualTo("x"));
  }
}
