package io.adaptstream.benchmark;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The release sequence, fixed before any selection method is run on it (see {@code docs/benchmark.md} for the
 * reason behind every number). Changing a number here changes the benchmark: do it only with its rationale in
 * the docs, never to make one method look better.
 */
final class BenchmarkDesign {

  /**
   * The design's version, written to the manifest, so a reader can tell a benchmark generated before a design
   * change (the change log of {@code docs/benchmark.md}) from a current one. v1: captions-only pretraining, 40
   * tests per skill; v2: pretraining primitives, 50 tests per skill.
   */
  static final int VERSION = 2;

  /** Share of item keys reserved for test: a seeded hash of the key decides, so train and test never share an item. */
  static final int TEST_KEY_ONE_IN = 8;

  /** A TASK release revisits a skill introduced by an earlier TASK release with at most this share. */
  static final double MAX_REVISIT_SHARE = 0.05;

  static final List<ReleaseSpec> RELEASES = List.of(
      // captions plus the world's primitives, so that a task release teaches formats and combinations rather
      // than vision from nothing (issue 15; docs/benchmark.md, change log v2). caption.brief keeps exactly its
      // v1 count (2000 FULL, 500 QUICK): with the no-repeat rule, the task releases' train samples then stay
      // byte-identical to v1's
      new ReleaseSpec("pretrain", Manifest.Role.PRETRAIN,
          "image-caption pretraining (LLaVA-Pretrain-like) plus the world's primitives", 4000,
          mix(Skill.CAPTION_BRIEF, 50.0, Skill.CAPTION_PLACES, 12.5, Skill.VQA_COUNT_ALL, 12.5, Skill.OCR_READ, 12.5,
              Skill.LANGUAGE_VOCAB, 12.5),
          0, 0, 0, 0, null),
      new ReleaseSpec("r1-llava-mix", Manifest.Role.TASK, "LLaVA-665K: general VQA, captions, language-only", 2000,
          mix(Skill.VQA_COLOUR, 20.0, Skill.VQA_SHAPE, 17.0, Skill.VQA_COUNT, 15.0, Skill.VQA_POSITION, 15.0,
              Skill.CAPTION_BRIEF, 10.0, Skill.LANGUAGE_ARITH, 10.0, Skill.LANGUAGE_WORD, 8.0,
              Skill.REASONING_RELATION, 5.0),
          0.08, 0.05, 0.06, 0.04, Skill.VQA_POSITION),
      new ReleaseSpec("r2-m3it-many", Manifest.Role.TASK, "M3IT: many tasks, Chinese and other languages rare", 2000,
          mix(Skill.REASONING_COMPARE_COUNT, 22.0, Skill.OCR_DIGITS, 20.0, Skill.GROUNDING_REFER, 17.5,
              Skill.MULTILINGUAL_COLOUR_ZH, 1.5, Skill.MULTILINGUAL_SHAPE_JA, 1.0, Skill.MULTILINGUAL_COUNT_RU, 1.0,
              Skill.VQA_COLOUR, 5.0, Skill.VQA_SHAPE, 5.0, Skill.VQA_COUNT, 5.0, Skill.VQA_POSITION, 4.0,
              Skill.CAPTION_BRIEF, 5.0, Skill.LANGUAGE_ARITH, 4.0, Skill.LANGUAGE_WORD, 4.0,
              Skill.REASONING_RELATION, 5.0),
          0.05, 0.08, 0.03, 0, null),
      new ReleaseSpec("r3-minigpt4-detail", Manifest.Role.TASK, "MiniGPT-4 stage 2: detailed captions, heavily duplicated",
          1200,
          mix(Skill.CAPTION_DETAILED, 92.0, Skill.CAPTION_BRIEF, 4.0, Skill.VQA_POSITION, 4.0),
          0.50, 0.04, 0, 0, null),
      new ReleaseSpec("r4-mantis-multi", Manifest.Role.TASK, "MANTIS-Instruct: multi-image comparison", 1500,
          mix(Skill.MULTIIMAGE_MORE, 30.0, Skill.MULTIIMAGE_SAME_COLOUR, 27.0, Skill.MULTIIMAGE_DIFF, 28.0,
              Skill.OCR_DIGITS, 5.0, Skill.REASONING_COMPARE_COUNT, 5.0, Skill.VQA_COUNT, 5.0),
          0.06, 0.06, 0, 0, null),
      new ReleaseSpec("r5-visionflan-fine", Manifest.Role.TASK, "VisionFLAN / LAMM: many fine-grained tasks", 2500,
          mix(Skill.GROUNDING_BOX, 24.0, Skill.OCR_WORD, 18.0, Skill.REASONING_SUM, 18.0,
              Skill.GROUNDING_REFER, 5.0, Skill.OCR_DIGITS, 5.0, Skill.REASONING_RELATION, 5.0,
              Skill.VQA_SHAPE, 4.0, Skill.VQA_POSITION, 4.0, Skill.VQA_COLOUR, 3.0, Skill.VQA_COUNT, 3.0,
              Skill.MULTIIMAGE_SAME_COLOUR, 2.0, Skill.CAPTION_DETAILED, 2.0, Skill.CAPTION_BRIEF, 2.0,
              Skill.LANGUAGE_ARITH, 2.0, Skill.MULTILINGUAL_COLOUR_ZH, 1.0, Skill.MULTILINGUAL_SHAPE_JA, 1.0,
              Skill.MULTILINGUAL_COUNT_RU, 1.0),
          0.08, 0.10, 0.02, 0.03, Skill.GROUNDING_BOX));

  private BenchmarkDesign() {}

  static {
    for (ReleaseSpec release : RELEASES) {
      for (Skill skill : release.mix().keySet()) {
        if (!skill.tested() && release.role() != Manifest.Role.PRETRAIN) {
          throw new IllegalStateException(skill.label() + " is a pretraining primitive but is in task release "
              + release.name());
        }
      }
    }
  }

  /**
   * The release that introduces each skill. A tested skill's test samples live there; an untested one (a
   * pretraining primitive, {@link Skill#tested()}) has none, and its home is the PRETRAIN release.
   */
  static Map<Skill, String> homes() {
    Map<Skill, String> homes = new EnumMap<>(Skill.class);
    for (ReleaseSpec release : RELEASES) {
      for (Skill skill : release.mix().keySet()) {
        homes.putIfAbsent(skill, release.name());
      }
    }
    if (homes.size() != Skill.values().length) {
      throw new IllegalStateException("a skill appears in no release");
    }
    return homes;
  }

  /** The skills whose test samples {@code release} holds: the tested skills it introduces. */
  static List<Skill> testedIn(String release) {
    return homes().entrySet().stream()
        .filter(e -> e.getKey().tested() && e.getValue().equals(release))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The skills never tested anywhere (the pretraining primitives), in enum order. */
  static List<Skill> untested() {
    return Arrays.stream(Skill.values()).filter(s -> !s.tested()).toList();
  }

  private static Map<Skill, Double> mix(Object... skillWeightPairs) {
    Map<Skill, Double> mix = new LinkedHashMap<>();
    for (int i = 0; i < skillWeightPairs.length; i += 2) {
      mix.put((Skill) skillWeightPairs[i], (Double) skillWeightPairs[i + 1]);
    }
    return mix;
  }
}
