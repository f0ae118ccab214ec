package io.adaptstream.selector.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.Map;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

class ScorerChoiceTest {

  private static final double[] GAUSSIAN = Fixtures.gaussians(10_000, 1.0, 3);
  private final ScorerChoice standardised = new ScorerChoice(ScorerChoice.Mode.STANDARDISED);
  private final ScorerChoice reference = new ScorerChoice(ScorerChoice.Mode.REFERENCE);

  @Test
  void shouldGiveTheSameEntropyAtEveryScaleInStandardisedMode() {
    // when
    double small = standardised.entropy(scaled(0.01));
    double unit = standardised.entropy(scaled(1));
    double large = standardised.entropy(scaled(100));

    // then: 50 bins of width 0.16 over a unit Gaussian hold about h(N) - log2(0.16) = 4.69 bits
    assertThat(unit).isCloseTo(4.69, offset(0.05));
    assertThat(small).isCloseTo(unit, offset(1e-9));
    assertThat(large).isCloseTo(unit, offset(1e-9));
  }

  @Test
  void shouldReproduceTheReferenceScaleQuirkInReferenceMode() {
    // when
    double[] h = DoubleStream.of(0.01, 0.1, 1, 10, 100).map(s -> reference.entropy(scaled(s))).toArray();

    // then the published code's pattern (5.28 / 5.59 / 4.66 / 1.48 / 0.00 bits)
    assertThat(h[0]).isBetween(5.0, 5.62);
    assertThat(h[1]).isCloseTo(5.59, offset(0.05));
    assertThat(h[2]).isCloseTo(4.66, offset(0.03));
    assertThat(h[3]).isCloseTo(1.48, offset(0.05));
    assertThat(h[4]).isCloseTo(0.0, offset(0.01));
  }

  @Test
  void shouldChooseTheScorerWithTheMostSpreadOutDistribution() {
    // given: EL2N spread evenly, perplexity almost constant with one outlier, entropy two-valued
    int n = 400;
    double[] el2n = new double[n];
    double[] logPpl = new double[n];
    double[] entropy = new double[n];
    for (int i = 0; i < n; i++) {
      el2n[i] = i / (double) n;
      logPpl[i] = i == 0 ? 50 : 1.0 + 1e-3 * (i % 2);
      entropy[i] = 100.0 * (i % 2);
    }
    Map<Scorer, double[]> scores = Map.of(Scorer.PERPLEXITY, logPpl, Scorer.EL2N, el2n,
        Scorer.ENTROPY, entropy, Scorer.GROUNDING, new double[n]);

    // when
    ScorerChoice.Choice choice = standardised.choose(Scorer.DEFAULT_POOL, scores::get);

    // then
    assertThat(choice.chosen()).isEqualTo(Scorer.EL2N);
    assertThat(choice.entropies().keySet()).containsExactlyElementsOf(Scorer.DEFAULT_POOL);
    assertThat(choice.entropies().get(Scorer.GROUNDING)).isZero();
    assertThat(choice.entropies().get(Scorer.ENTROPY)).isCloseTo(1.0, offset(1e-9));
    assertThat(choice.entropies().get(Scorer.PERPLEXITY)).isZero();
  }

  @Test
  void shouldGiveZeroEntropyToDegenerateClustersAndBreakTiesByPoolOrder() {
    for (ScorerChoice mode : List.of(standardised, reference)) {
      assertThat(mode.entropy(new double[0])).isZero();
      assertThat(mode.entropy(new double[] {3.0})).isZero();
      assertThat(mode.entropy(new double[] {2.0, 2.0, 2.0})).isZero();
      ScorerChoice.Choice choice = mode.choose(List.of(Scorer.ENTROPY, Scorer.EL2N), s -> new double[] {1.0});
      assertThat(choice.chosen()).isEqualTo(Scorer.ENTROPY);
    }
  }

  @Test
  void shouldTreatNanAsZeroInReferenceModeAndSkipItInStandardisedMode() {
    // given
    double[] withNan = GAUSSIAN.clone();
    withNan[0] = Double.NaN;
    double[] withZero = GAUSSIAN.clone();
    withZero[0] = 0.0;
    double[] without = java.util.Arrays.copyOfRange(GAUSSIAN, 1, GAUSSIAN.length);

    // then
    assertThat(reference.entropy(withNan)).isEqualTo(reference.entropy(withZero));
    assertThat(standardised.entropy(withNan)).isEqualTo(standardised.entropy(without));
  }

  @Test
  void shouldReadPerplexityAsLogPerplexity() {
    assertThat(Scorer.PERPLEXITY.transform(Math.exp(2))).isCloseTo(2.0, offset(1e-12));
    assertThat(Scorer.PERPLEXITY.transform(0)).isNaN();
    assertThat(Scorer.EL2N.transform(0.7)).isEqualTo(0.7);
    assertThat(Scorer.parsePool("perplexity, grand")).containsExactly(Scorer.PERPLEXITY, Scorer.GRAND);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Scorer.byName("ppl"))
        .hasMessageContaining("valid: perplexity, el2n, entropy, grounding, grand");
  }

  private static double[] scaled(double s) {
    return DoubleStream.of(GAUSSIAN).map(x -> x * s).toArray();
  }
}
