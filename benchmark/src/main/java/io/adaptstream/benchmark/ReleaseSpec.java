package io.adaptstream.benchmark;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The fixed design of one release: its skill mix and the rate of every defect.
 *
 * <p>Rates are fractions of the release's train samples and are met exactly (rounded to whole samples), so a
 * result can be related to a known amount of noise or duplication.
 *
 * @param mirrors the real dataset whose shape this release imitates (documentation only)
 * @param fullTrain train samples at {@link Size#FULL}
 * @param mix relative weight of each skill among the train samples
 * @param nearDuplicate share of train samples that re-render an earlier sample of the release (new pixel noise,
 *     another wording of the prompt, same answer)
 * @param labelNoise share of train samples whose answer is replaced by a plausible wrong one
 * @param imageNotNeeded share of train samples whose prompt gives the answer away (only vqa.colour and
 *     vqa.shape samples can be so worded)
 * @param twoTurn share of train samples that are two-turn dialogues of {@code twoTurnSkill}
 */
record ReleaseSpec(
    String name,
    Manifest.Role role,
    String mirrors,
    int fullTrain,
    Map<Skill, Double> mix,
    double nearDuplicate,
    double labelNoise,
    double imageNotNeeded,
    double twoTurn,
    Skill twoTurnSkill) {

  ReleaseSpec {
    mix = Collections.unmodifiableMap(new EnumMap<>(mix));
    if (twoTurn > 0 && (twoTurnSkill == null || !mix.containsKey(twoTurnSkill))) {
      throw new IllegalArgumentException(name + ": two-turn samples need a skill of the mix");
    }
  }
}
