package io.adaptstream.selector;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SampleProvenance;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.selector.algo.StepPlanner;
import io.adaptstream.testing.KafkaTestEnv;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A three-step run for the integration tests: releases r1..r3 (plus a pretraining release), the selector settings,
 * and the reference plan of every step, which every run must reproduce exactly.
 */
final class Scenario {

  static final int STEPS = 3;

  final List<Sample> pretrain = TestData.release("r0", 12, 0, 10);
  final List<List<Sample>> releases = List.of(TestData.release("r1", 90, 6, 11), TestData.release("r2", 60, 6, 12),
      TestData.release("r3", 60, 6, 13));
  final KafkaTestEnv env;
  final TopicCatalogue catalogue;

  Scenario(KafkaTestEnv env) {
    this.env = env;
    this.catalogue = env.newCatalogue();
  }

  /** The config of one instance: its own state directory, a free port for its query server. */
  Map<String, String> config(Path stateDir) {
    Map<String, String> m = new HashMap<>();
    m.put("bootstrap.servers", env.bootstrapServers());
    m.put("schema.registry.url", env.schemaRegistryUrl());
    m.put("topic.prefix", catalogue.prefix());
    m.put("data.partitions", Integer.toString(catalogue.dataPartitions()));
    m.put("selector.budget", "30");
    m.put("selector.pool.cap", "90");
    m.put("selector.k", "3");
    m.put("selector.seed", "11");
    m.put("selector.reservoir", "64");
    m.put(SelectorConfig.MODEL_NAME, StandInServices.MODEL);
    m.put("selector.state.dir", stateDir.toString());
    m.put("selector.http.port", "0");
    return m;
  }

  /** Publishes every release and the base model. */
  void publishAll(StandInServices pipeline) {
    pipeline.publish("r0", 0, pretrain);
    for (int i = 0; i < releases.size(); i++) {
      pipeline.publish("r" + (i + 1), i + 1, releases.get(i));
    }
    pipeline.publishModel(0);
  }

  /** The reference's plans for steps 1..3, and its final pool. */
  record Expected(List<StepPlanner.StepPlan> plans, List<String> finalPool) {}

  Expected expected(SelectorConfig config) {
    ReferenceRun reference = new ReferenceRun(config);
    for (int i = 0; i < releases.size(); i++) {
      reference.addRelease(i + 1, releases.get(i));
    }
    List<StepPlanner.StepPlan> plans = List.of(reference.step(1), reference.step(2), reference.step(3));
    return new Expected(plans, reference.poolIds());
  }

  /** Ids of the samples among {@code records} of step {@code step} that {@code which} holds for, sorted. */
  static TreeSet<String> provenanceIds(Collection<SampleProvenance> records, int step,
      Predicate<SampleProvenance> which) {
    return records.stream().filter(p -> p.getStep() == step && which.test(p)).map(SampleProvenance::getSampleId)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Checks what the pipeline saw against the reference: selections and deletions of every step. */
  void assertMatchesReference(StandInServices pipeline, Expected expected) {
    Map<Integer, Set<String>> deletions = pipeline.deletions();
    for (int t = 1; t <= STEPS; t++) {
      StepPlanner.StepPlan plan = expected.plans().get(t - 1);
      assertThat(pipeline.selectedIds(t)).as("selections of step %d", t).isEqualTo(plan.selectedIds());
      assertThat(pipeline.selections.get(t)).as("no selection twice at step %d", t)
          .hasSize(plan.selectedIds().size());
      assertThat(deletions.getOrDefault(t, new TreeSet<>())).as("deletions of step %d", t)
          .isEqualTo(plan.prunedIds());
    }
  }
}
