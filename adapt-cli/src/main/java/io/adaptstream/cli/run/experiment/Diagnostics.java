package io.adaptstream.cli.run.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.adaptstream.benchmark.Manifest;
import io.adaptstream.cli.run.demo.DemoResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a method did at one step, beyond accuracy, as means over the seeds that have the step: what it selected
 * (shares of defective samples, from the benchmark's annotations), whether its clusters follow the skills, which
 * scorers it chose, where in the score distribution its CCS picks fell, and how fresh data fared in pruning.
 * For analysis only: no method reads any of it. A figure is null where it cannot be computed (no annotations, no
 * clusters, not recorded).
 *
 * @param step the step (1 = the first task release)
 * @param seeds runs of the method that have the step
 * @param selected samples selected, mean over seeds
 * @param unannotatedSelected selected samples without an annotation (mean over seeds); 0 when the id mapping
 *     is right, null without annotations
 * @param labelNoiseShare share of the annotated selected samples whose written answer is wrong
 * @param nearDuplicateShare share of the annotated selected samples that are near-duplicates of another
 * @param imageNotNeededShare share of the annotated selected samples answerable without their image
 * @param clusterSkillNmi normalized mutual information between cluster and declared skill over the step's
 *     cluster members ({@code clusters[].skills}), arithmetic-mean normalization; null without clusters
 * @param scorers how many clusters chose each scorer, summed over seeds
 * @param pickPercentile mean score percentile of the CCS picks within their cluster, in [0, 100] as
 *     {@code results.json} stores it ({@link io.adaptstream.cli.run.demo.DemoJob#pickPercentile}), over the seeds that
 *     recorded one
 * @param freshShareOfPool {@code fresh / poolSize}: the share of the step's pool that came with its new release
 * @param freshShareOfSurvivors {@code (fresh − prunedFresh) / (poolSize − pruned)}: the same share among the
 *     pool samples that survived the step's pruning; below {@code freshShareOfPool} when pruning removed fresh
 *     samples more than old ones; null where {@code prunedFresh} was not recorded or nothing survived
 * @param freshShareOfSelected share of the annotated selected samples that came with the step's new release
 *     (from the annotations' release); below {@code freshShareOfPool} when the method replays old data more than
 *     the pool holds it
 * @param selectedGroups share of the annotated selected samples per skill group (the skill label before the
 *     first '.'), mean over seeds: which kinds of data a method spends its budget on
 */
@JsonPropertyOrder({"step", "seeds", "selected", "unannotatedSelected", "labelNoiseShare", "nearDuplicateShare",
    "imageNotNeededShare", "clusterSkillNmi", "scorers", "pickPercentile", "freshShareOfPool",
    "freshShareOfSurvivors", "freshShareOfSelected", "selectedGroups"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Diagnostics(int step, int seeds, double selected, Double unannotatedSelected, Double labelNoiseShare,
    Double nearDuplicateShare, Double imageNotNeededShare, Double clusterSkillNmi, Map<String, Long> scorers,
    Double pickPercentile, Double freshShareOfPool, Double freshShareOfSurvivors, Double freshShareOfSelected,
    Map<String, Double> selectedGroups) {

  public Diagnostics {
    scorers = new TreeMap<>(scorers);
    selectedGroups = selectedGroups == null ? Map.of() : new TreeMap<>(selectedGroups);
  }

  /**
   * The diagnostics of one method's runs, per step after the base model.
   *
   * @param annotations per seed, the benchmark's annotations (a seed absent: none, shares are null)
   */
  static List<Diagnostics> of(List<ExperimentTable.Run> runs, Map<Long, BenchmarkAnnotations> annotations) {
    TreeSet<Integer> steps = new TreeSet<>();
    runs.forEach(r -> r.result().steps().stream().filter(s -> s.step() > 0).forEach(s -> steps.add(s.step())));
    List<Diagnostics> out = new ArrayList<>();
    for (int t : steps) {
      List<Double> selected = new ArrayList<>();
      List<Double> unannotated = new ArrayList<>();
      Map<String, List<Double>> shares = new HashMap<>();
      List<Double> nmi = new ArrayList<>();
      Map<String, Long> scorers = new TreeMap<>();
      List<Double> picks = new ArrayList<>();
      List<Double> freshPool = new ArrayList<>();
      List<Double> freshSurvivors = new ArrayList<>();
      List<Double> freshSelected = new ArrayList<>();
      Map<String, Double> groupSums = new TreeMap<>();
      int groupSeeds = 0;
      int seeds = 0;
      for (ExperimentTable.Run run : runs) {
        DemoResult.Step s = run.result().steps().stream().filter(x -> x.step() == t).findFirst().orElse(null);
        if (s == null) {
          continue;
        }
        seeds++;
        selected.add((double) s.selected());
        BenchmarkAnnotations a = annotations.get(run.seed());
        if (a != null) {
          List<String> ids = run.selections().getOrDefault(t, List.of());
          long known = 0;
          long fresh = 0;
          Map<String, Long> counts = new HashMap<>();
          Map<String, Long> groups = new TreeMap<>();
          for (String id : ids) {
            BenchmarkAnnotations.Annotation n = a.bySampleId().get(id);
            if (n != null) {
              known++;
              n.defects().forEach(d -> counts.merge(d, 1L, Long::sum));
              if (Objects.equals(n.release(), s.release())) {
                fresh++;
              }
              if (n.skill() != null) {
                groups.merge(ExperimentTable.group(n.skill()), 1L, Long::sum);
              }
            }
          }
          unannotated.add((double) (ids.size() - known));
          if (known > 0) {
            freshSelected.add(fresh / (double) known);
            double annotated = known;
            groups.forEach((g, c) -> groupSums.merge(g, c / annotated, Double::sum));
            groupSeeds++;
            for (String d : List.of(Manifest.LABEL_NOISE, Manifest.NEAR_DUPLICATE, Manifest.IMAGE_NOT_NEEDED)) {
              shares.computeIfAbsent(d, k -> new ArrayList<>()).add(counts.getOrDefault(d, 0L) / (double) known);
            }
          }
        }
        Double v = nmi(s.clusters().stream().map(DemoResult.Cluster::skills).toList());
        if (v != null) {
          nmi.add(v);
        }
        s.clusters().forEach(c -> scorers.merge(c.scorer(), 1L, Long::sum));
        if (s.pickPercentile() != null) {
          picks.add(s.pickPercentile());
        }
        if (s.poolSize() > 0) {
          freshPool.add(s.fresh() / (double) s.poolSize());
        }
        if (s.prunedFresh() != null && s.poolSize() - s.pruned() > 0) {
          freshSurvivors.add((s.fresh() - s.prunedFresh()) / (double) (s.poolSize() - s.pruned()));
        }
      }
      out.add(new Diagnostics(t, seeds, mean(selected), meanOrNull(unannotated),
          meanOrNull(shares.get(Manifest.LABEL_NOISE)),
          meanOrNull(shares.get(Manifest.NEAR_DUPLICATE)),
          meanOrNull(shares.get(Manifest.IMAGE_NOT_NEEDED)), meanOrNull(nmi), scorers,
          meanOrNull(picks), meanOrNull(freshPool), meanOrNull(freshSurvivors), meanOrNull(freshSelected),
          perSeed(groupSums, groupSeeds)));
    }
    return out;
  }

  /**
   * Normalized mutual information between cluster and skill label, from each cluster's member count per skill:
   * {@code 2 I(C; S) / (H(C) + H(S))} (the arithmetic normalization, scikit-learn's default). 1 when clusters and
   * skills are the same partition (also when both are a single class), 0 when every cluster has the same skill
   * mix. Null without members. Hand-written: the formula is a few lines over a contingency table, and the JVM
   * libraries that have it (Smile) would bring a large dependency for it.
   */
  static Double nmi(List<Map<String, Long>> clusters) {
    Map<String, Long> perSkill = new TreeMap<>();
    List<Long> perCluster = new ArrayList<>();
    long total = 0;
    for (Map<String, Long> c : clusters) {
      long size = 0;
      for (Map.Entry<String, Long> e : c.entrySet()) {
        if (e.getValue() > 0) {
          perSkill.merge(e.getKey(), e.getValue(), Long::sum);
          size += e.getValue();
        }
      }
      if (size > 0) {
        perCluster.add(size);
      }
      total += size;
    }
    if (total == 0) {
      return null;
    }
    double hc = entropy(perCluster, total);
    double hs = entropy(perSkill.values(), total);
    if (hc + hs == 0) {
      return 1.0;
    }
    double mi = 0;
    for (Map<String, Long> c : clusters) {
      long size = c.values().stream().filter(Objects::nonNull).mapToLong(v -> Math.max(0, v)).sum();
      for (Map.Entry<String, Long> e : c.entrySet()) {
        long n = e.getValue();
        if (n > 0) {
          mi += n / (double) total * Math.log((double) n * total / ((double) size * perSkill.get(e.getKey())));
        }
      }
    }
    return Math.max(0, Math.min(1, 2 * mi / (hc + hs)));
  }

  private static double entropy(Iterable<Long> counts, long total) {
    double h = 0;
    for (long n : counts) {
      if (n > 0) {
        double p = n / (double) total;
        h -= p * Math.log(p);
      }
    }
    return h;
  }

  private static Map<String, Double> perSeed(Map<String, Double> sums, int seeds) {
    Map<String, Double> out = new TreeMap<>();
    if (seeds > 0) {
      sums.forEach((g, v) -> out.put(g, v / seeds));
    }
    return out;
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }

  private static Double meanOrNull(List<Double> values) {
    return values == null || values.isEmpty() ? null : mean(values);
  }
}
