package io.adaptstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.benchmark.Item.Turn;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every wording of every skill, drawn many times, without rendering. */
class ItemsTest {

  private static final int DRAWS = 400;

  @ParameterizedTest
  @EnumSource(Skill.class)
  void shouldFitEveryWordingAndAnswerOfTheSkillInTheByteBudget(Skill skill) {
    SplittableRandom rng = new SplittableRandom(11);
    for (int i = 0; i < DRAWS; i++) {
      for (Item item : variants(skill, rng)) {
        List<String> questions = new ArrayList<>(item.prompts());
        if (item.blindPrompt() != null) {
          questions.add(item.blindPrompt());
        }
        for (String question : questions) {
          for (String answer : List.of(item.answer(), item.wrongAnswer())) {
            int bytes = bytes(item.preamble()) + utf8(question) + utf8(answer);
            assertThat(bytes).as(question + " / " + answer).isLessThanOrEqualTo(SkillWorld.TEXT_BUDGET_BYTES);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Skill.class)
  void shouldDrawAWrongAnswerOfTheSameKindThatDiffersFromTheAnswer(Skill skill) {
    SplittableRandom rng = new SplittableRandom(12);
    for (int i = 0; i < DRAWS; i++) {
      Item item = Items.draw(skill, rng, false);
      assertThat(item.wrongAnswer()).isNotEqualTo(item.answer()).isNotBlank();
      assertThat(item.wrongAnswer().split(" ").length == item.answer().split(" ").length
          || skill.group().equals("caption")).as(item.answer() + " vs " + item.wrongAnswer()).isTrue();
      assertThat(item.key()).startsWith(skill.label() + "|");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Skill.class, names = {"VQA_COLOUR", "VQA_SHAPE"})
  void shouldOfferAWordingThatGivesTheAnswerAwayForImageNotNeededSamples(Skill skill) {
    SplittableRandom rng = new SplittableRandom(13);
    for (int i = 0; i < DRAWS; i++) {
      Item item = Items.draw(skill, rng, false);
      assertThat(item.blindPrompt()).contains(item.answer());
      assertThat(item.prompts()).noneMatch(p -> p.contains(" " + item.answer() + " ") || p.endsWith(item.answer() + "?"));
    }
  }

  @ParameterizedTest
  @EnumSource(value = Skill.class, names = {"VQA_POSITION", "GROUNDING_BOX"})
  void shouldDrawTwoTurnItemsWhoseFirstAnswerIsAboutTheSameObject(Skill skill) {
    SplittableRandom rng = new SplittableRandom(14);
    Item item = Items.draw(skill, rng, true);
    assertThat(item.preamble()).hasSize(2);
    assertThat(item.preamble().get(0).human()).isTrue();
    assertThat(item.preamble().get(1).human()).isFalse();
    assertThat(item.key()).contains("|dialog|");
  }

  private static List<Item> variants(Skill skill, SplittableRandom rng) {
    List<Item> items = new ArrayList<>(List.of(Items.draw(skill, rng, false)));
    if (skill == Skill.VQA_POSITION || skill == Skill.GROUNDING_BOX) {
      items.add(Items.draw(skill, rng, true));
    }
    return items;
  }

  private static int bytes(List<Turn> turns) {
    return turns.stream().mapToInt(t -> utf8(t.text())).sum();
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
