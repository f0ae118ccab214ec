package io.adaptstream.selector.algo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class StepPlannerTest {

  private static final List<Member> POOL = Fixtures.pool(3, 100, 30, 5);
  private static final Set<String> ALL = POOL.stream().map(Member::id).collect(Collectors.toSet());
  private static final Set<String> FRESH = POOL.stream().filter(Member::fresh).map(Member::id)
      .collect(Collectors.toSet());
  private static final StepPlanner.Settings SETTINGS =
      StepPlanner.Settings.defaults(42, 1, 60, 150).withKMeans(KMeans.Config.withK(3));

  @Test
  void shouldTrainOnExactlyTheNewReleaseUnderSequential() {
    StepPlanner.StepPlan plan = plan("sequential");
    assertThat(plan.selectedIds()).isEqualTo(FRESH);
    assertThat(plan.prunedIds()).as("nothing stays for replay").isEqualTo(ALL);
  }

  @Test
  void shouldTrainOnEverythingAndPruneNothingUnderMultitask() {
    StepPlanner.StepPlan plan = plan("multitask");
    assertThat(plan.selectedIds()).isEqualTo(ALL);
    assertThat(plan.prunedIds()).isEmpty();
  }

  @Test
  void shouldReplayAUniformSampleWithinTheBudgetUnderRandom() {
    StepPlanner.StepPlan plan = plan("random");
    assertThat(plan.selectedIds()).hasSize(60);
    assertThat(plan.selectedIds()).as("replays old samples too").anyMatch(id -> !FRESH.contains(id));
    assertThat(plan.prunedIds()).isEmpty();
    assertThat(plan.selected()).allSatisfy(s -> assertThat(s.scorer()).isEqualTo(ClusterDecision.NO_SCORER));
  }

  @Test
  void shouldSelectTheBudgetFromEveryMemberThenPruneToTheCapUnderAdapt() {
    // when
    StepPlanner.StepPlan plan = plan("adapt");

    // then the training budget is split over all members, and pruning happens after
    assertThat(plan.decisions()).hasSize(3);
    assertThat(plan.budgets().candidates()).containsExactly(clusterSizes(plan));
    assertThat(plan.prunedIds()).hasSize(300 - 150);
    assertThat(plan.selectedIds()).hasSize(60);
    for (ClusterDecision d : plan.decisions()) {
      assertThat(d.selected()).hasSize((int) plan.budgets().train()[d.cluster()]);
      assertThat(d.pruned()).hasSize((int) (plan.budgets().candidates()[d.cluster()]
          - plan.budgets().keep()[d.cluster()]));
    }
    assertThat(plan.diagnostics().prunedFresh()).isEqualTo(plan.prunedIds().stream().filter(FRESH::contains).count());
    assertThat(plan.diagnostics().pickPercentileCount()).isEqualTo(60);
  }

  @Test
  void shouldPruneToTheCapThenSelectTheBudgetPerClusterUnderAdaptWithReferenceTiming() {
    // when
    StepPlanner.StepPlan plan = new StepPlanner(SelectionPolicy.byName("adapt"), SETTINGS.withRules(
        ClusterSelector.Rules.defaults().withPruneTiming(ClusterSelector.PruneTiming.BEFORE_SELECTION)))
        .plan(POOL, null);

    // then
    assertThat(plan.clustering()).isPresent();
    assertThat(plan.decisions()).hasSize(3);
    assertThat(plan.prunedIds()).hasSize(300 - 150);
    assertThat(plan.selectedIds()).hasSize(60).doesNotContainAnyElementsOf(plan.prunedIds());
    for (ClusterDecision d : plan.decisions()) {
      assertThat(d.selected()).hasSize((int) plan.budgets().train()[d.cluster()]);
      assertThat(d.pruned()).hasSize((int) (100 - plan.budgets().keep()[d.cluster()]));
      assertThat(d.chosenScorer()).isPresent().get().isIn(Scorer.DEFAULT_POOL);
      assertThat(d.selected()).allSatisfy(s -> assertThat(plan.clusterOf().get(s.id())).isEqualTo(d.cluster()));
    }
  }

  @Test
  void shouldUseAQuarterOfTheBudgetAndPoolCapUnderLite() {
    StepPlanner.StepPlan plan = plan("lite");
    assertThat(plan.selectedIds()).hasSize(15);
    assertThat(plan.prunedIds()).hasSize(300 - 37);
  }

  @Test
  void shouldSelectWithOneFixedScoreOverTheWholePool() {
    StepPlanner.StepPlan plan = plan("el2n");
    assertThat(plan.clustering()).isEmpty();
    assertThat(plan.decisions()).singleElement()
        .satisfies(d -> assertThat(d.chosenScorer()).contains(Scorer.EL2N));
    assertThat(plan.selected()).hasSize(60).allSatisfy(s -> assertThat(s.scorer()).isEqualTo("el2n"));
    assertThat(plan.prunedIds()).isEmpty();
  }

  @Test
  void shouldPruneThenSelectAtRandomUnderSemdedupWithReferenceTiming() {
    StepPlanner.StepPlan plan = new StepPlanner(SelectionPolicy.byName("semdedup"), SETTINGS.withRules(
        ClusterSelector.Rules.reference())).plan(POOL, null);
    assertThat(plan.prunedIds()).hasSize(150);
    assertThat(plan.selectedIds()).hasSize(60).doesNotContainAnyElementsOf(plan.prunedIds());
    assertThat(plan.decisions()).allSatisfy(d -> assertThat(d.chosenScorer()).isEmpty());
  }

  @Test
  void shouldSelectAtRandomFromEveryMemberThenPruneUnderSemdedup() {
    StepPlanner.StepPlan plan = plan("semdedup");
    assertThat(plan.prunedIds()).hasSize(150);
    assertThat(plan.selectedIds()).hasSize(60);
    assertThat(plan.budgets().candidates()).containsExactly(clusterSizes(plan));
    assertThat(plan.diagnostics().pickPercentileCount()).as("no CCS").isZero();
  }

  @ParameterizedTest
  @MethodSource("policies")
  void shouldGiveTheSamePlanWhateverTheMemberOrder(String policy) {
    // given
    List<Member> shuffled = new ArrayList<>(POOL);
    Collections.shuffle(shuffled, new Random(3));

    // when
    StepPlanner.StepPlan a = plan(policy);
    StepPlanner.StepPlan b = new StepPlanner(SelectionPolicy.byName(policy), SETTINGS).plan(shuffled, null);

    // then
    assertThat(b.selected()).isEqualTo(a.selected());
    assertThat(b.prunedIds()).isEqualTo(a.prunedIds());
    assertThat(b.clusterOf()).isEqualTo(a.clusterOf());
  }

  @Test
  void shouldChangeTheSelectionWithTheExperimentSeed() {
    StepPlanner.StepPlan a = plan("adapt");
    StepPlanner.StepPlan b = new StepPlanner(SelectionPolicy.byName("adapt"),
        new StepPlanner.Settings(43, 1, 60, 150, KMeans.Config.withK(3), 2000, ScorerChoice.Mode.STANDARDISED,
            5000)).plan(POOL, null);
    assertThat(b.selectedIds()).isNotEqualTo(a.selectedIds());
  }

  @Test
  void shouldWarmStartTheNextStepFromThisStepsCentroids() {
    // given
    StepPlanner.StepPlan first = plan("adapt");
    List<Member> next = new ArrayList<>(Fixtures.pool(3, 100, 30, 6));

    // when
    StepPlanner.StepPlan second = new StepPlanner(SelectionPolicy.byName("adapt"), SETTINGS.withStep(2))
        .plan(next, first.centroids());

    // then
    KMeans.Result fit = second.clustering().orElseThrow();
    assertThat(fit.warmStarted()).isTrue();
    for (int c = 0; c < 3; c++) {
      assertThat(UnitVector.dot(fit.centroids()[c], first.centroids()[c])).isGreaterThan(0.9);
    }
  }

  @Test
  void shouldMatchAClusterByClusterRunFromGlobalCounts() {
    // given the distributed path: per-partition reservoirs, one fit, global counts, one task per cluster
    SelectionPolicy policy = SelectionPolicy.byName("adapt");
    List<Reservoir<float[]>> partitions = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      partitions.add(new Reservoir<>(SETTINGS.reservoirCapacity(), Seeds.forReservoir(SETTINGS.experimentSeed())));
    }
    for (int i = 0; i < POOL.size(); i++) {
      partitions.get(i % 3).offer(POOL.get(i).id(), POOL.get(i).sketch());
    }
    Reservoir<float[]> merged =
        new Reservoir<>(SETTINGS.reservoirCapacity(), Seeds.forReservoir(SETTINGS.experimentSeed()));
    partitions.forEach(merged::merge);
    KMeans.Result fit = new KMeans(SETTINGS.kmeans()).fit(new ArrayList<>(merged.byId().values()), null,
        Seeds.forClustering(SETTINGS.experimentSeed(), SETTINGS.step()));
    List<List<Member>> byCluster = new ArrayList<>();
    for (int c = 0; c < fit.k(); c++) {
      byCluster.add(new ArrayList<>());
    }
    POOL.stream().sorted(java.util.Comparator.comparing(Member::id))
        .forEach(m -> byCluster.get(fit.assign(m.sketch())).add(m));
    long[] sizes = byCluster.stream().mapToLong(List::size).toArray();
    long[] fresh = byCluster.stream().mapToLong(l -> l.stream().filter(Member::fresh).count()).toArray();
    StepBudgets budgets = StepBudgets.plan(policy, sizes, fresh, SETTINGS.trainingBudget(), SETTINGS.poolCap(),
        SETTINGS.rules().pruneTiming());

    // when
    ClusterSelector selector = ClusterSelector.of(policy);
    List<ClusterDecision> distributed = new ArrayList<>();
    for (int c = 0; c < fit.k(); c++) {
      distributed.add(selector.decide(c, byCluster.get(c), budgets.train()[c], budgets.keep()[c],
          Seeds.forCluster(SETTINGS.experimentSeed(), SETTINGS.step(), c)));
    }

    // then
    assertThat(distributed).isEqualTo(plan("adapt").decisions());
  }

  /** Members per cluster, from the plan's assignment. */
  private static long[] clusterSizes(StepPlanner.StepPlan plan) {
    long[] sizes = new long[plan.decisions().size()];
    plan.clusterOf().values().forEach(c -> sizes[c]++);
    return sizes;
  }

  static List<String> policies() {
    return List.copyOf(SelectionPolicy.all().keySet());
  }

  private static StepPlanner.StepPlan plan(String policy) {
    return new StepPlanner(SelectionPolicy.byName(policy), SETTINGS).plan(POOL, null);
  }
}
