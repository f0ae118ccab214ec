package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AnswerMetricTest {

  @Test
  void shouldNormaliseCaseWhitespaceWidthAndTrailingPunctuation() {
    assertThat(AnswerMetric.normalize("  The   RED\tsquare. ")).isEqualTo("the red square");
    assertThat(AnswerMetric.normalize("ＲＥＤ！")).isEqualTo("red");
    assertThat(AnswerMetric.normalize("红色。")).isEqualTo("红色");
    assertThat(AnswerMetric.normalize("yes!!")).isEqualTo("yes");
  }

  @Test
  void shouldMatchShortReferencesExactly() {
    assertThat(AnswerMetric.score("Top left.", "top left")).isEqualTo(1.0);
    assertThat(AnswerMetric.score("top", "top left")).isEqualTo(0.0);
    assertThat(AnswerMetric.score("one two three four", "one two three four")).isEqualTo(1.0);
    assertThat(AnswerMetric.score("one two three", "one two three four")).isEqualTo(0.0);
  }

  @Test
  void shouldMatchTextWithoutSpacesExactlyEvenWhenLong() {
    assertThat(AnswerMetric.score("红色的正方形在左上角。", "红色的正方形在左上角")).isEqualTo(1.0);
    assertThat(AnswerMetric.score("红色的正方形在右上角", "红色的正方形在左上角")).isEqualTo(0.0);
  }

  @Test
  void shouldUseTokenF1ForReferencesOfMoreThanFourTokens() {
    // given: 5 reference tokens, prediction 4 tokens of which 3 overlap
    String reference = "a red square top left";
    String prediction = "a blue square top";

    // when
    double score = AnswerMetric.score(prediction, reference);

    // then: precision 3/4, recall 3/5
    assertThat(score).isCloseTo(2 * 0.75 * 0.6 / (0.75 + 0.6), within(1e-12));
  }

  @Test
  void shouldCountRepeatedTokensAsAMultiset() {
    // given
    String reference = "the the the cat sat";

    // when
    double score = AnswerMetric.score("the the dog dog dog", reference);

    // then: overlap 2 (two "the"), precision 2/5, recall 2/5
    assertThat(score).isCloseTo(0.4, within(1e-12));
    assertThat(AnswerMetric.score("", reference)).isEqualTo(0.0);
  }
}
