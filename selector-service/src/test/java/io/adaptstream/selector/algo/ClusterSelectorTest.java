package io.adaptstream.selector.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClusterSelectorTest {

  private final ClusterSelector adapt = ClusterSelector.of(SelectionPolicy.byName("adapt"));

  @Test
  void shouldPruneTheNewReleasesCopyRatherThanThePoolSampleUnderTheReferenceRules() {
    // given a fresh sample "a" whose embedding equals that of pool sample "b"; "a" sorts first by id
    SplittableRandom random = new SplittableRandom(1);
    float[] shared = Fixtures.randomUnit(32, random);
    List<Member> members = new ArrayList<>();
    members.add(member("a", true, shared));
    members.add(member("b", false, shared.clone()));
    for (int i = 0; i < 8; i++) {
      members.add(member("c" + i, i % 2 == 0, Fixtures.randomUnit(32, random)));
    }

    // when
    ClusterDecision d = ClusterSelector.of(SelectionPolicy.byName("adapt"), ClusterSelector.Rules.reference())
        .decide(0, members, 5, 9, 1);

    // then
    assertThat(d.pruned()).containsExactly("a");
    assertThat(d.selected()).hasSize(5).extracting(ClusterDecision.Selected::id).doesNotContain("a");
  }

  @Test
  void shouldKeepTheLowerIdOfADuplicatePairWhicheverReleaseEachCameFrom() {
    for (boolean aFresh : new boolean[] {true, false}) {
      // given "a" and "b" share an embedding; one is fresh, the other in the pool
      SplittableRandom random = new SplittableRandom(1);
      float[] shared = Fixtures.randomUnit(32, random);
      List<Member> members = new ArrayList<>();
      members.add(member("a", aFresh, shared));
      members.add(member("b", !aFresh, shared.clone()));
      for (int i = 0; i < 8; i++) {
        members.add(member("c" + i, i % 2 == 0, Fixtures.randomUnit(32, random)));
      }

      // when
      ClusterDecision d = adapt.decide(0, members, 5, 9, 1);

      // then
      assertThat(d.pruned()).as("a fresh: " + aFresh).containsExactly("b");
    }
  }

  @Test
  void shouldLetEveryMemberBeSelectedBeforeAnyIsPruned() {
    // given a budget that covers the whole cluster and a keep budget below it
    List<Member> members = sorted(Fixtures.pool(1, 40, 20, 5));
    List<String> ids = members.stream().map(Member::id).toList();

    // when
    ClusterDecision after = adapt.decide(0, members, 40, 25, 3);
    ClusterDecision before = ClusterSelector.of(SelectionPolicy.byName("adapt"),
        ClusterSelector.Rules.defaults().withPruneTiming(ClusterSelector.PruneTiming.BEFORE_SELECTION))
        .decide(0, members, 40, 25, 3);

    // then pruning after selection lets even the pruned (fresh ones included) be picked first
    assertThat(after.pruned()).hasSize(15);
    assertThat(after.selected()).extracting(ClusterDecision.Selected::id).containsExactlyElementsOf(ids);
    // while pruning before selection removes them unseen
    assertThat(before.pruned()).hasSize(15);
    assertThat(before.selected()).hasSize(25).extracting(ClusterDecision.Selected::id)
        .doesNotContainAnyElementsOf(before.pruned());
  }

  @Test
  void shouldPruneFreshMembersInProportionToTheirShareWhenOldAndFreshAreAlike() {
    // given clusters of 20 pool and 25 fresh members drawn from one anisotropic distribution, keep 20
    ClusterSelector reference = ClusterSelector.of(SelectionPolicy.byName("adapt"), ClusterSelector.Rules.reference());
    double freshShare = 25.0 / 45;
    long survivors = 0;
    long freshSurvivors = 0;
    long referenceFreshSurvivors = 0;
    for (int trial = 0; trial < 100; trial++) {
      List<Member> members = alikeCluster(20, 25, trial);

      // when
      ClusterDecision d = adapt.decide(0, members, 6, 20, trial);
      ClusterDecision r = reference.decide(0, members, 6, 20, trial);

      // then
      survivors += members.size() - d.pruned().size();
      freshSurvivors += members.stream().filter(m -> m.fresh() && !d.pruned().contains(m.id())).count();
      referenceFreshSurvivors += members.stream().filter(m -> m.fresh() && !r.pruned().contains(m.id())).count();
      assertThat(d.diagnostics().prunedFresh()).isEqualTo(
          members.stream().filter(m -> m.fresh() && d.pruned().contains(m.id())).count());
    }
    assertThat(survivors).isEqualTo(100 * 20);
    assertThat((double) freshSurvivors / survivors).isCloseTo(freshShare, org.assertj.core.data.Offset.offset(0.04));
    assertThat((double) referenceFreshSurvivors / survivors).isLessThan(freshShare - 0.1);
  }

  @Test
  void shouldStillPruneExactDuplicatesFirst() {
    // given 30 distinct members and 6 exact copies of some of them, pool and fresh mixed
    SplittableRandom random = new SplittableRandom(8);
    List<Member> members = new ArrayList<>();
    List<float[]> distinct = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      float[] e = Fixtures.nudge(Fixtures.around(32, 0, 0.5, random), 0.3, random);
      distinct.add(e);
      members.add(member(Long.toHexString(Seeds.hash(8, "d" + i)), i % 2 == 0, e));
    }
    for (int i = 0; i < 6; i++) {
      members.add(member(Long.toHexString(Seeds.hash(8, "copy" + i)), i % 3 == 0, distinct.get(5 * i).clone()));
    }
    members = sorted(members);

    // when pruned to 30
    ClusterDecision d = adapt.decide(0, members, 6, 30, 2);

    // then exactly one of each duplicate pair went, and no distinct member
    assertThat(d.pruned()).hasSize(6);
    for (int i = 0; i < 6; i++) {
      String original = Long.toHexString(Seeds.hash(8, "d" + (5 * i)));
      String copy = Long.toHexString(Seeds.hash(8, "copy" + i));
      assertThat(d.pruned()).as("pair " + i).containsAnyOf(original, copy)
          .satisfies(p -> assertThat(p.contains(original) && p.contains(copy)).isFalse());
      assertThat(d.pruned()).contains(original.compareTo(copy) < 0 ? copy : original);
    }
  }

  @Test
  void shouldReportWhereTheCcsPicksSitInTheScoreRange() {
    // given
    List<Member> members = sorted(Fixtures.pool(1, 60, 20, 4));

    // when
    ClusterDecision d = adapt.decide(0, members, 12, 60, 6);
    ClusterDecision uniform = ClusterSelector.of(SelectionPolicy.byName("semdedup")).decide(0, members, 12, 40, 6);

    // then each pick's percentile rank among the 60 candidates under the chosen scorer is summed
    Scorer chosen = d.chosenScorer().orElseThrow();
    double[] sorted = members.stream().mapToDouble(m -> m.score(chosen)).sorted().toArray();
    double expected = d.selected().stream()
        .mapToDouble(s -> (double) java.util.Arrays.binarySearch(sorted, s.score()) / (sorted.length - 1)).sum();
    assertThat(d.diagnostics().pickPercentileCount()).isEqualTo(12);
    assertThat(d.diagnostics().pickPercentileSum()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(uniform.diagnostics().pickPercentileCount()).isZero();
    assertThat(uniform.diagnostics().pickPercentileSum()).isZero();
    assertThat(uniform.diagnostics().prunedFresh()).isEqualTo(
        members.stream().filter(m -> m.fresh() && uniform.pruned().contains(m.id())).count());
  }

  @Test
  void shouldLabelEverySelectionWithTheChosenScorerAndItsScore() {
    // given
    List<Member> members = sorted(Fixtures.pool(1, 120, 40, 3));
    Map<String, Member> byId = members.stream().collect(Collectors.toMap(Member::id, Function.identity()));

    // when
    ClusterDecision d = adapt.decide(4, members, 30, 100, Seeds.forCluster(7, 1, 4));

    // then
    Scorer chosen = d.chosenScorer().orElseThrow();
    assertThat(d.cluster()).isEqualTo(4);
    assertThat(d.entropies()).containsOnlyKeys(Scorer.DEFAULT_POOL);
    assertThat(d.entropies().get(chosen)).isEqualTo(d.entropies().values().stream().max(Double::compare).get());
    assertThat(d.selected()).hasSize(30).isSortedAccordingTo(Comparator.comparing(ClusterDecision.Selected::id));
    assertThat(d.pruned()).hasSize(20);
    for (ClusterDecision.Selected s : d.selected()) {
      assertThat(s.scorer()).isEqualTo(chosen.label());
      assertThat(s.score()).isEqualTo(byId.get(s.id()).score(chosen));
    }
  }

  @Test
  void shouldDecideNothingForAnEmptyCluster() {
    ClusterDecision d = adapt.decide(2, List.of(), 10, 10, 1);
    assertThat(d.selected()).isEmpty();
    assertThat(d.pruned()).isEmpty();
  }

  @Test
  void shouldRefuseMembersThatAreNotSortedById() {
    List<Member> members = List.of(member("b", false, new float[] {1, 0}), member("a", false, new float[] {0, 1}));
    assertThatThrownBy(() -> adapt.decide(0, members, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sorted by sample id");
  }

  private static Member member(String id, boolean fresh, float[] embedding) {
    return Member.of(id, fresh, embedding, embedding, Math.E, 0.5, 1, 1, 1);
  }

  /**
   * {@code old} pool and {@code fresh} new members, all drawn alike: embeddings share a common direction (hidden
   * states are anisotropic) plus isotropic noise; ids are content-hash-like, so id order mixes old and fresh.
   */
  private static List<Member> alikeCluster(int old, int fresh, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] common = Fixtures.randomUnit(32, random);
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < old + fresh; i++) {
      float[] e = new float[32];
      for (int d = 0; d < 32; d++) {
        e[d] = (float) (2 * common[d] + 0.3 * Fixtures.gaussian(random));
      }
      members.add(member(Long.toHexString(Seeds.hash(seed, "m" + i)), i >= old, UnitVector.of(e)));
    }
    return sorted(members);
  }

  private static List<Member> sorted(List<Member> members) {
    return members.stream().sorted(Comparator.comparing(Member::id)).toList();
  }
}
