package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The probe trick against one backward pass per sample. */
class SketchTest {

  private static final ModelConfig CONFIG = SyntheticSamples.tinyConfig();
  private static VisionLanguageModel model;
  private static List<Example> examples;

  @BeforeAll
  static void trainBriefly() {
    model = VisionLanguageModel.create(CONFIG, 21, ComputeDevice.CPU);
    SyntheticSamples data = new SyntheticSamples(21);
    new ModelTrainer().train(model, data.mixed(48), TrainOptions.defaults().withBatchSize(8));
    examples = new ArrayList<>(data.mixed(9));
    examples.add(data.compare()); // two images
    examples.add(data.describe()); // a longer answer
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void shouldEqualTheBatchSizeOneAutogradLoop() {
    // when
    List<SampleSignals> probed = new SampleScorer(4).score(model, examples);
    List<float[][]> loop = SampleScorer.autogradLoop(model, examples, true);

    // then
    for (int i = 0; i < examples.size(); i++) {
      float[] p = probed.get(i).sketch();
      float[] l = loop.get(i)[0];
      assertThat(p).hasSize(CONFIG.sketchDim());
      double diff = 0;
      double scale = 0;
      for (int j = 0; j < p.length; j++) {
        diff = Math.max(diff, Math.abs(p[j] - l[j]));
        scale = Math.max(scale, Math.abs(l[j]));
      }
      assertThat(diff / scale).as("sample %d", i).isLessThan(1e-4);
    }
  }

  @Test
  void shouldMeasureGrandAsTheNormOfTheExplicitGradient() {
    // when
    List<SampleSignals> probed = new SampleScorer(5).score(model, examples);
    List<float[][]> loop = SampleScorer.autogradLoop(model, examples, true);

    // then
    for (int i = 0; i < examples.size(); i++) {
      float[] g = loop.get(i)[1];
      assertThat(g).hasSize(CONFIG.ffn() * (CONFIG.dModel() + 1));
      double sq = 0;
      for (float v : g) {
        sq += (double) v * v;
      }
      double norm = Math.sqrt(sq);
      assertThat(norm).isPositive();
      assertThat(probed.get(i).grand()).as("sample %d", i).isCloseTo(norm, within(1e-4 * norm));
    }
  }

  @Test
  void shouldProjectTheExplicitGradientLikeTheFactoredRoute() {
    // given: the loop's explicit gradient, projected on the host
    KroneckerProjection projection = KroneckerProjection.of(CONFIG);
    List<float[][]> loop = SampleScorer.autogradLoop(model, examples.subList(0, 2), true);

    // when
    float[] host = KroneckerProjection.normalize(projection.project(loop.get(0)[1]));

    // then
    float[] device = loop.get(0)[0];
    for (int j = 0; j < host.length; j++) {
      assertThat(host[j]).isCloseTo(device[j], within(1e-5f));
    }
  }

  @Test
  void shouldGetTheSameGradientNormFromTheGramRouteAndTheExplicitRoute() {
    // given
    Random random = new Random(3);
    float[] dy = new float[2 * 7 * 5];
    float[] x = new float[2 * 7 * 4];
    for (int i = 0; i < dy.length; i++) {
      dy[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    try (NDManager m = model.manager().newSubManager()) {
      NDArray dyArray = m.create(dy, new Shape(2, 7, 5));
      NDArray xa = SampleScorer.withOnes(m.create(x, new Shape(2, 7, 4)));

      // when
      double[] gram = SampleScorer.gradientNorms(dyArray, xa, true);
      double[] direct = SampleScorer.gradientNorms(dyArray, xa, false);

      // then: both equal ‖dYᵀ [X 1]‖ computed by hand
      for (int b = 0; b < 2; b++) {
        double sq = 0;
        for (int o = 0; o < 5; o++) {
          for (int c = 0; c < 5; c++) {
            double g = 0;
            for (int s = 0; s < 7; s++) {
              double xv = c < 4 ? x[(b * 7 + s) * 4 + c] : 1.0;
              g += dy[(b * 7 + s) * 5 + o] * xv;
            }
            sq += g * g;
          }
        }
        assertThat(gram[b]).isCloseTo(Math.sqrt(sq), within(1e-4 * Math.sqrt(sq)));
        assertThat(direct[b]).isCloseTo(Math.sqrt(sq), within(1e-4 * Math.sqrt(sq)));
      }
    }
  }

  @Test
  void shouldDrawTheSameProjectionFromTheSameSeed() {
    KroneckerProjection a = KroneckerProjection.of(CONFIG);
    KroneckerProjection b = KroneckerProjection.of(CONFIG);
    KroneckerProjection c = KroneckerProjection.of(CONFIG.withProjectionSeed(CONFIG.projectionSeed() + 1));

    assertThat(a.rOut).containsExactly(b.rOut);
    assertThat(a.rIn).containsExactly(b.rIn);
    assertThat(a.rOut).isNotEqualTo(c.rOut);
  }
}
