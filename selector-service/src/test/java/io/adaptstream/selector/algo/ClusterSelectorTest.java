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
  void shouldPruneTheNewReleasesCopyRatherThanThePoolSample() {
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
    ClusterDecision d = adapt.decide(0, members, 5, 9, 1);

    // then
    assertThat(d.pruned()).containsExactly("a");
    assertThat(d.selected()).hasSize(5).extracting(ClusterDecision.Selected::id).doesNotContain("a");
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
      assertThat(d.pruned()).doesNotContain(s.id());
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

  private static List<Member> sorted(List<Member> members) {
    return members.stream().sorted(Comparator.comparing(Member::id)).toList();
  }
}
