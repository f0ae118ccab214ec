package io.adaptstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fixed design itself: sizes and shares the documentation promises. */
class BenchmarkDesignTest {

  @Test
  void shouldSizeFullReleasesForMinuteLongRunsAndQuickTaskReleasesAtAQuarter() {
    for (ReleaseSpec release : BenchmarkDesign.RELEASES) {
      int full = Size.FULL.train(release.fullTrain());
      if (release.role() == Manifest.Role.PRETRAIN) {
        assertThat(full).isEqualTo(4000);
      } else {
        assertThat(full).isBetween(800, 2500);
      }
      assertThat(Size.QUICK.train(release)).isEqualTo(
          release.role() == Manifest.Role.PRETRAIN ? full : Math.round(full / 4.0f));
    }
    assertThat(Size.FULL.testPerSkill()).as("issue 15: at least 50 tests per skill at FULL").isEqualTo(50);
    assertThat(Size.QUICK.testPerSkill()).as("the main table runs at QUICK size").isEqualTo(50);
    assertThat(BenchmarkDesign.RELEASES).filteredOn(r -> r.role() == Manifest.Role.TASK).hasSize(5);
  }

  @Test
  void shouldIntroduceEverySkillInExactlyOneHomeRelease() {
    Map<Skill, String> homes = BenchmarkDesign.homes();
    assertThat(homes).hasSize(Skill.values().length);
    assertThat(homes.get(Skill.CAPTION_BRIEF)).isEqualTo("pretrain");
    assertThat(homes.get(Skill.MULTILINGUAL_COLOUR_ZH)).isEqualTo("r2-m3it-many");
    assertThat(homes.get(Skill.CAPTION_DETAILED)).isEqualTo("r3-minigpt4-detail");
    assertThat(homes.get(Skill.MULTIIMAGE_DIFF)).isEqualTo("r4-mantis-multi");
  }

  @Test
  void shouldKeepPretrainingPrimitivesInThePretrainReleaseOnlyAndUntested() {
    List<Skill> primitives = List.of(Skill.CAPTION_PLACES, Skill.VQA_COUNT_ALL, Skill.OCR_READ, Skill.LANGUAGE_VOCAB);

    assertThat(BenchmarkDesign.untested()).containsExactlyElementsOf(primitives);
    assertThat(primitives).noneMatch(Skill::tested);
    assertThat(Skill.CAPTION_BRIEF.tested()).isTrue();
    Map<Skill, String> homes = BenchmarkDesign.homes();
    primitives.forEach(p -> assertThat(homes.get(p)).isEqualTo("pretrain"));
    for (ReleaseSpec release : BenchmarkDesign.RELEASES) {
      if (release.role() == Manifest.Role.TASK) {
        assertThat(release.mix().keySet()).as(release.name()).doesNotContainAnyElementsOf(primitives);
      }
    }
    assertThat(BenchmarkDesign.testedIn("pretrain")).containsExactly(Skill.CAPTION_BRIEF);
    assertThat(BenchmarkDesign.testedIn("r3-minigpt4-detail")).containsExactly(Skill.CAPTION_DETAILED);
  }

  @Test
  void shouldKeepCaptionBriefAtItsFirstDesignCountSoTaskReleasesAreUnchanged() {
    ReleaseSpec pretrain = BenchmarkDesign.RELEASES.get(0);

    Map<Skill, Integer> full = ReleaseBuilder.apportion(Size.FULL.train(pretrain.fullTrain()), pretrain.mix());
    Map<Skill, Integer> quick = ReleaseBuilder.apportion(Size.QUICK.train(pretrain), pretrain.mix());

    // v1 pretrained on 2000 (FULL) brief captions; the no-repeat rule makes later releases' captions depend on
    // that count (QUICK's pretraining release is FULL's since v2's amendment, so QUICK's captions moved)
    assertThat(full).containsEntry(Skill.CAPTION_BRIEF, 2000).containsEntry(Skill.CAPTION_PLACES, 500)
        .containsEntry(Skill.VQA_COUNT_ALL, 500).containsEntry(Skill.OCR_READ, 500)
        .containsEntry(Skill.LANGUAGE_VOCAB, 500);
    assertThat(quick).isEqualTo(full);
  }

  @Test
  void shouldMakeRelease3HeavilyDuplicatedAndKeepLabelNoiseWithinTenPercent() {
    for (ReleaseSpec release : BenchmarkDesign.RELEASES) {
      assertThat(release.labelNoise()).isBetween(0.0, 0.10);
      assertThat(release.nearDuplicate()).isLessThanOrEqualTo(
          release.name().startsWith("r3") ? 0.5 : 0.1);
    }
    ReleaseSpec r3 = BenchmarkDesign.RELEASES.get(3);
    assertThat(r3.nearDuplicate()).isGreaterThanOrEqualTo(0.4);
  }

  @Test
  void shouldApportionExactlyTheTotalByLargestRemainder() {
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put("a", 1.5);
    weights.put("b", 1.0);
    weights.put("c", 1.0);
    weights.put("d", 96.5);

    Map<String, Integer> counts = ReleaseBuilder.apportion(125, weights);

    assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(125);
    assertThat(counts).containsEntry("a", 2).containsEntry("b", 1).containsEntry("c", 1).containsEntry("d", 121);
  }
}
