package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Hugging Face tokenizer on the committed fixture (src/test/fixtures/make_tiny_tokenizer.py). */
class HfTokenizerTest {

  /** Ids of the fixture: 243 byte tokens (the byte's value below 0xC0), then 13 merges; "Ġthe" is the third. */
  static final int THE_WITH_SPACE = 245;

  static Path fixture() {
    try {
      return Path.of(HfTokenizerTest.class.getResource("/tiny-tokenizer.json").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fixture with its added tokens replaced by {@code contents} (ids from 256 on), as bytes. */
  static byte[] withSpecials(String... contents) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(fixture().toFile());
    ArrayNode added = json.createArrayNode();
    for (int i = 0; i < contents.length; i++) {
      added.addObject().put("id", 256 + i).put("content", contents[i]).put("single_word", false)
          .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
    }
    root.set("added_tokens", added);
    return json.writeValueAsBytes(root);
  }

  @Test
  void shouldEncodeASentenceWithTheMergesAndDecodeItBackWhenReadFromTheFixture() throws IOException {
    // given
    String sentence = "Then the rain in Spain was singing on the plain.";
    try (HfTokenizer tokenizer = HfTokenizer.read(fixture())) {

      // when
      int[] ids = tokenizer.encode(sentence);

      // then
      assertThat(ids.length).isLessThan(sentence.getBytes(StandardCharsets.UTF_8).length);
      assertThat(ids).contains(THE_WITH_SPACE);
      assertThat(Arrays.stream(ids).max().orElseThrow()).isLessThan(256);
      assertThat(tokenizer.decode(ids, 0, ids.length)).isEqualTo(sentence);
    }
  }

  @Test
  void shouldRoundTripTextOutsideAsciiAsByteTokensWhenNoMergeApplies() throws IOException {
    // given
    String text = "héllo wörld ✓ 日本";
    try (HfTokenizer tokenizer = HfTokenizer.read(fixture())) {

      // when
      int[] ids = tokenizer.encode(text);

      // then
      assertThat(tokenizer.decode(ids, 0, ids.length)).isEqualTo(text);
      assertThat(Arrays.stream(ids).noneMatch(tokenizer::isSpecial)).isTrue();
    }
  }

  @Test
  void shouldNeitherTruncateNorPadWhenTheTextIsLong() throws IOException {
    // given: far more tokens than any default maximum length
    String text = "the answer in the plain ".repeat(400).trim();
    try (HfTokenizer tokenizer = HfTokenizer.read(fixture())) {

      // when
      int[] ids = tokenizer.encode(text);

      // then
      assertThat(ids.length).isGreaterThan(2000);
      assertThat(tokenizer.decode(ids, 0, ids.length)).isEqualTo(text);
      assertThat(Arrays.stream(ids).noneMatch(tokenizer::isSpecial)).isTrue();
    }
  }

  @Test
  void shouldFindBosEosPadSepByTheirNamesWhenTheFixtureIsLoaded() throws IOException {
    // when
    try (HfTokenizer tokenizer = HfTokenizer.read(fixture())) {

      // then
      assertThat(tokenizer.specialTokens()).containsExactly("<|bos|>", "<|eos|>", "<|pad|>", "<|sep|>");
      assertThat(new int[] {tokenizer.bos(), tokenizer.eos(), tokenizer.pad(), tokenizer.sep()})
          .containsExactly(256, 257, 258, 259);
      assertThat(tokenizer.vocabSize()).isEqualTo(260);
      assertThat(tokenizer.isSpecial(257)).isTrue();
      assertThat(tokenizer.isSpecial(THE_WITH_SPACE)).isFalse();
      assertThat(tokenizer.encode("<|eos|>")).containsExactly(257);
      int[] framed = {256, 'o', 'k', 257}; // below 0xC0 a byte's token id is the byte
      assertThat(tokenizer.decode(framed, 0, framed.length)).isEqualTo("ok");
    }
  }

  @Test
  void shouldKeepTheFilesBytesAndTheirHash() throws IOException {
    // given
    byte[] bytes = Files.readAllBytes(fixture());

    // when
    try (HfTokenizer tokenizer = HfTokenizer.of(bytes, "fixture")) {

      // then
      assertThat(tokenizer.json()).isEqualTo(bytes);
      assertThat(tokenizer.sha256()).isEqualTo(io.adaptstream.blob.Sha256.hex(bytes));
    }
  }

  @Test
  void shouldLayOutAnExampleWithTheTokenizersSpecials() throws IOException {
    // given
    Example example = Example.of("e", "Is the sky blue?", "yes", List.of(), "g");
    try (HfTokenizer tokenizer = HfTokenizer.read(fixture())) {

      // when
      ExampleLayout layout = ExampleLayout.of(example, 64, 0, 32, tokenizer);

      // then
      int[] question = tokenizer.encode("Is the sky blue?");
      int[] answer = tokenizer.encode("yes");
      assertThat(layout.tokens).hasSize(1 + question.length + 1 + answer.length + 1);
      assertThat(layout.tokens[0]).isEqualTo(tokenizer.bos());
      assertThat(layout.tokens[question.length + 1]).isEqualTo(tokenizer.sep());
      assertThat(layout.tokens[layout.tokens.length - 1]).isEqualTo(tokenizer.eos());
      assertThat(layout.promptLength).isEqualTo(question.length + 2);
      assertThat(layout.answerCount()).isEqualTo(answer.length + 1);
    }
  }

  @Test
  void shouldTakeLlamasSpecialsWithTheUnknownTokenAsPaddingAndEosAsSeparatorWhenNoneIsNamed() throws IOException {
    // given the added tokens of a LLaMA / LLaVA-1.5 tokenizer.json: <unk>, <s>, </s> and nothing else
    byte[] bytes = withSpecials("<unk>", "<s>", "</s>");

    // when
    try (HfTokenizer tokenizer = HfTokenizer.of(bytes, "llama-like")) {

      // then BOS <s>, EOS </s>, PAD <unk> (as LLaVA pads), SEP </s>
      assertThat(new int[] {tokenizer.bos(), tokenizer.eos(), tokenizer.pad(), tokenizer.sep()})
          .containsExactly(257, 258, 256, 258);
      assertThat(tokenizer.isSpecial(256)).isTrue();
    }
  }

  @Test
  void shouldUseTheEndOfTextTokenForEveryRoleWhenItIsTheOnlyOneAsInGpt2() throws IOException {
    // given GPT-2's single added token
    byte[] bytes = withSpecials("<|endoftext|>");

    // when
    try (HfTokenizer tokenizer = HfTokenizer.of(bytes, "gpt2-like")) {

      // then
      assertThat(new int[] {tokenizer.bos(), tokenizer.eos(), tokenizer.pad(), tokenizer.sep()})
          .containsExactly(256, 256, 256, 256);
    }
  }

  @Test
  void shouldTakeLlama3sBeginAndEndOfTextWhenItsSpecialsAreLoaded() throws IOException {
    // given the first added tokens of a Llama 3 tokenizer.json
    byte[] bytes = withSpecials("<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>",
        "<|finetune_right_pad_id|>", "<|eot_id|>");

    // when
    try (HfTokenizer tokenizer = HfTokenizer.of(bytes, "llama3-like")) {

      // then
      assertThat(new int[] {tokenizer.bos(), tokenizer.eos(), tokenizer.pad(), tokenizer.sep()})
          .containsExactly(256, 257, 259, 257);
      assertThat(tokenizer.isSpecial(260)).isTrue();
    }
  }

  @Test
  void shouldFallBackToTheFirstFourSpecialsByIdWhenNoBosOrEosHasAKnownName() throws IOException {
    // given four specials named in no known convention
    byte[] bytes = withSpecials("[START]", "[END]", "[FILL]", "[TURN]");

    // when
    try (HfTokenizer tokenizer = HfTokenizer.of(bytes, "custom")) {

      // then
      assertThat(new int[] {tokenizer.bos(), tokenizer.eos(), tokenizer.pad(), tokenizer.sep()})
          .containsExactly(256, 257, 258, 259);
    }
  }

  @Test
  void shouldRefuseATokenizerWithoutANamedEosAndFewerThanFourSpecialsNamingWhatItHas() throws IOException {
    // given
    byte[] bytes = withSpecials("<|bos|>", "[END]");

    // when / then
    assertThatThrownBy(() -> HfTokenizer.of(bytes, "two-specials")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two-specials names no EOS token among its added tokens [<|bos|>, [END]]")
        .hasMessageContaining("</s>").hasMessageContaining("fewer than the four");
  }

  @Test
  void shouldRefuseJsonThatIsNotATokenizer() {
    assertThatThrownBy(() -> HfTokenizer.of("{\"a\": 1}".getBytes(StandardCharsets.UTF_8), "other"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model.vocab");
    assertThatThrownBy(() -> HfTokenizer.of("not json".getBytes(StandardCharsets.UTF_8), "text"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
  }
}
