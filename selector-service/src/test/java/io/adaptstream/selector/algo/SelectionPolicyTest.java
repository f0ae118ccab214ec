package io.adaptstream.selector.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SelectionPolicyTest {

  @Test
  void shouldKnowEveryBaselineOfThePaperByName() {
    assertThat(SelectionPolicy.all().keySet()).containsExactly("adapt", "lite", "sequential", "random", "el2n",
        "entropy", "perplexity", "grounding", "semdedup", "multitask");
    assertThat(SelectionPolicy.byName(" Adapt ").clustering())
        .isEqualTo(SelectionPolicy.Clustering.GRADIENT_KMEANS);
    assertThat(SelectionPolicy.byName("grounding").fixedScorer()).contains(Scorer.GROUNDING);
  }

  @Test
  void shouldListValidNamesWhenTheNameIsUnknown() {
    assertThatThrownBy(() -> SelectionPolicy.byName("lamp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown selection policy 'lamp'")
        .hasMessageContaining("adapt, lite, sequential, random, el2n, entropy, perplexity, grounding, semdedup,"
            + " multitask");
  }

  @Test
  void shouldGiveLiteAQuarterOfTheBudgetAndPoolCap() {
    SelectionPolicy lite = SelectionPolicy.byName("lite");
    assertThat(lite.effectiveBudget(100_000)).isEqualTo(25_000);
    assertThat(lite.effectivePoolCap(10_000)).isEqualTo(2_500);
    assertThat(SelectionPolicy.byName("adapt").effectiveBudget(100_000)).isEqualTo(100_000);
    assertThat(SelectionPolicy.byName("multitask").effectiveBudget(100)).isEqualTo(Long.MAX_VALUE);
    assertThat(SelectionPolicy.byName("random").effectivePoolCap(100)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void shouldRefuseInconsistentPolicies() {
    assertThatThrownBy(() -> new SelectionPolicy("x", SelectionPolicy.Clustering.SINGLE,
        SelectionPolicy.ScorerMode.NONE, Optional.empty(), SelectionPolicy.Sampler.CCS,
        SelectionPolicy.Pool.KEEP_ALL, SelectionPolicy.Budget.FIXED, SelectionPolicy.Allocation.EQUAL, 1, 1,
        Scorer.DEFAULT_POOL)).hasMessageContaining("CCS needs a scorer");
    assertThatThrownBy(() -> new SelectionPolicy("x", SelectionPolicy.Clustering.SINGLE,
        SelectionPolicy.ScorerMode.FIXED, Optional.empty(), SelectionPolicy.Sampler.CCS,
        SelectionPolicy.Pool.KEEP_ALL, SelectionPolicy.Budget.FIXED, SelectionPolicy.Allocation.EQUAL, 1, 1,
        Scorer.DEFAULT_POOL)).hasMessageContaining("fixed scorer");
    assertThatThrownBy(() -> new SelectionPolicy("x", SelectionPolicy.Clustering.SINGLE,
        SelectionPolicy.ScorerMode.NONE, Optional.empty(), SelectionPolicy.Sampler.ALL,
        SelectionPolicy.Pool.KEEP_ALL, SelectionPolicy.Budget.FIXED, SelectionPolicy.Allocation.EQUAL, 1, 1,
        Scorer.DEFAULT_POOL)).hasMessageContaining("budget must be ALL");
  }
}
