package io.adaptstream.benchmark;

import java.util.List;

/**
 * One drawn instance of a skill before rendering: what the images show, the question (in several wordings),
 * the answer, a plausible wrong answer (used when the item is chosen for label noise) and, for some skills, a
 * wording that gives the answer away (used for the image-not-needed defect).
 *
 * @param key semantic identity (skill, visual content, what is asked); decides train or test and uniqueness
 * @param preamble earlier turns of a two-turn sample (empty for single-turn ones)
 * @param prompts alternative wordings of the final question; near-duplicates use another one
 * @param blindPrompt a wording from which the answer can be read without the image, or null
 */
record Item(
    Skill skill,
    String key,
    List<Visual> visuals,
    List<Turn> preamble,
    List<String> prompts,
    String answer,
    String wrongAnswer,
    String blindPrompt) {

  Item {
    visuals = List.copyOf(visuals);
    preamble = List.copyOf(preamble);
    prompts = List.copyOf(prompts);
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("no prompt");
    }
    if (answer.equals(wrongAnswer)) {
      throw new IllegalArgumentException("wrong answer equals the answer: " + answer);
    }
  }

  /** One conversation turn. */
  record Turn(boolean human, String text) {}
}
