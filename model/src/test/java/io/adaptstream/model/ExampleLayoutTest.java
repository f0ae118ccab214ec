package io.adaptstream.model;

import static io.adaptstream.model.ByteTokenizer.BOS;
import static io.adaptstream.model.ByteTokenizer.EOS;
import static io.adaptstream.model.ByteTokenizer.SEP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleLayoutTest {

  private final ModelConfig config = SyntheticSamples.tinyConfig(); // 48 text tokens, 2 images

  @Test
  void shouldRoundTripAnyLanguageThroughBytes() {
    // given
    String text = "Ünïcödé 中文 日本語 한국어 🙂";

    // when
    int[] ids = ByteTokenizer.encode(text);

    // then
    assertThat(java.util.Arrays.stream(ids).allMatch(id -> id >= 0 && id < 256)).isTrue();
    assertThat(ByteTokenizer.decode(ids)).isEqualTo(text);
    assertThat(ByteTokenizer.VOCAB_SIZE).isEqualTo(260);
  }

  @Test
  void shouldLayOutMultiTurnConversationsWithLossOnlyOnAnswers() {
    // given
    Example example = new Example("m", List.of(Turn.human("<image>\n hi "), Turn.gpt("ab"), Turn.human("q"),
        Turn.gpt("c")), List.of(), null);

    // when
    ExampleLayout s = ExampleLayout.of(example, config);

    // then
    assertThat(s.tokens).containsExactly(BOS, 'h', 'i', SEP, 'a', 'b', EOS, 'q', SEP, 'c', EOS);
    assertThat(s.answer).containsExactly(false, false, false, false, true, true, true, false, false, true, true);
    assertThat(s.promptLength).isEqualTo(9);
    assertThat(s.reference).isEqualTo("c");
    assertThat(s.answerCount()).isEqualTo(5);
  }

  @Test
  void shouldDropEarliestTurnsFirstWhenTooLong() {
    // given: three exchanges of 21 tokens each, 48 allowed
    String q = "q".repeat(10);
    String a = "a".repeat(9);
    Example example = new Example("long", List.of(Turn.human(q), Turn.gpt(a), Turn.human(q), Turn.gpt(a),
        Turn.human(q), Turn.gpt("final")), List.of(), null);

    // when
    ExampleLayout s = ExampleLayout.of(example, config);

    // then: the first exchange is gone, the last two are whole
    assertThat(s.tokens.length).isLessThanOrEqualTo(48);
    assertThat(s.tokens[0]).isEqualTo(BOS);
    assertThat(ByteTokenizer.decode(s.tokens)).isEqualTo(q + a + q + "final");
    assertThat(s.reference).isEqualTo("final");
  }

  @Test
  void shouldCutTheLeftOfTheLastPromptButKeepTheAnswer() {
    // given
    String question = "0123456789".repeat(6) + "END?";
    Example example = Example.of("cut", question, "the answer", List.of(), null);

    // when
    ExampleLayout s = ExampleLayout.of(example, config);

    // then
    assertThat(s.tokens).hasSize(48);
    String text = ByteTokenizer.decode(s.tokens);
    assertThat(text).endsWith("END?the answer").doesNotStartWith("0123");
    assertThat(s.tokens[s.promptLength - 1]).isEqualTo(SEP);
    assertThat(s.tokens[47]).isEqualTo(EOS);
    assertThat(s.answerCount()).isEqualTo("the answer".length() + 1);
  }

  @Test
  void shouldCutTheAnswerOnlyWhenItAloneDoesNotFit() {
    // given
    String answer = "x".repeat(60);

    // when
    ExampleLayout s = ExampleLayout.of(Example.of("huge", "question", answer, List.of(), null), config);

    // then
    assertThat(s.tokens).hasSize(48);
    assertThat(s.tokens[0]).isEqualTo(BOS);
    assertThat(ByteTokenizer.decode(s.tokens)).isEqualTo("x".repeat(47));
    assertThat(s.promptLength).isEqualTo(1);
  }

  @Test
  void shouldIgnoreTurnsAfterTheFinalAnswer() {
    // given
    Example example = new Example("trail", List.of(Turn.human("q"), Turn.gpt("a"), Turn.human("dangling")),
        List.of(), null);

    // when
    ExampleLayout s = ExampleLayout.of(example, config);

    // then
    assertThat(s.tokens).containsExactly(BOS, 'q', SEP, 'a', EOS);
  }

  @Test
  void shouldRefuseExamplesWithoutAnAnswerNamingThem() {
    // given
    Example example = new Example("no-answer", List.of(Turn.human("only a question")), List.of(), null);

    // when / then
    assertThatThrownBy(() -> ExampleLayout.of(example, config))
        .isInstanceOf(InvalidExampleException.class)
        .hasMessageContaining("no-answer")
        .hasMessageContaining("no gpt");
  }

  @Test
  void shouldKeepOnlyMaxImagesImages() {
    // given
    SyntheticSamples data = new SyntheticSamples(3);
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      images.add(data.image(i, i, 32));
    }

    // when
    ExampleLayout s = ExampleLayout.of(Example.of("three", "<image><image><image>which?", "x", images, null), config);

    // then
    assertThat(config.maxImages()).isEqualTo(2);
    assertThat(s.images).hasSize(2);
    assertThat(ByteTokenizer.decode(s.tokens)).isEqualTo("which?x");
  }

  @Test
  void shouldRefuseUndecodableImagesNamingTheExample() {
    // given
    Example example = Example.of("bad-image", "q", "a", List.of(new byte[] {1, 2, 3}), null);

    // when / then
    assertThatThrownBy(() -> ExampleLayout.of(example, config))
        .isInstanceOf(InvalidExampleException.class)
        .hasMessageContaining("bad-image")
        .hasMessageContaining("image 0");
  }
}
