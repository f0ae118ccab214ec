package io.adaptstream.selector;

import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Split;
import io.adaptstream.selector.algo.Member;
import io.adaptstream.selector.algo.SelectionPolicy;
import io.adaptstream.selector.algo.StepPlanner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The single-JVM reference of a whole run: the pool kept as a map, each step planned by {@link StepPlanner} with
 * the same config, previous centroids carried forward and pruned samples removed. What the topology must agree
 * with.
 */
public final class ReferenceRun {

  private final SelectorConfig config;
  private final SelectionPolicy policy;
  private final Map<String, Sample> pool = new TreeMap<>();
  private final Map<String, Integer> releaseOf = new LinkedHashMap<>();
  private float[][] centroids;

  public ReferenceRun(SelectorConfig config) {
    this.config = config;
    this.policy = config.policy();
  }

  /** Adds a sealed task release (its train samples) to the pool. */
  public void addRelease(int sequence, List<Sample> samples) {
    for (Sample s : samples) {
      if (s.getSplit() == Split.TRAIN && !pool.containsKey(s.getId())) {
        pool.put(s.getId(), s);
        releaseOf.put(s.getId(), sequence);
      }
    }
  }

  /** Plans step t over the pool of sealed releases up to t and applies its deletions. */
  public StepPlanner.StepPlan step(int t) {
    List<Member> members = new ArrayList<>();
    for (Sample s : pool.values()) {
      int sequence = releaseOf.get(s.getId());
      if (sequence > t || (policy.pool() == SelectionPolicy.Pool.NEW_RELEASE_ONLY && sequence != t)) {
        continue;
      }
      members.add(TestData.member(TestData.scores(TestData.request(t, config.modelName(), s, sequence == t))));
    }
    StepPlanner.StepPlan plan = new StepPlanner(policy, config.stepSettings(t)).plan(members, centroids);
    centroids = plan.centroids();
    plan.prunedIds().forEach(pool::remove);
    return plan;
  }

  /** Ids still in the pool. */
  public List<String> poolIds() {
    return new ArrayList<>(pool.keySet());
  }
}
