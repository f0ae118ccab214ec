package io.adaptstream.cli.run.demo;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.adaptstream.cli.run.continual.ContinualMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a demo run produced: per step, the pool, the clusters and their scorers, what was selected and pruned, the
 * model's accuracy per skill after the step, and how long each phase took; then the final average accuracy and
 * forgetting. {@code results.json} is this record (minus the selected ids, which go to {@code selections.json}).
 *
 * @param steps step 0 (the base model) first, then one entry per task release
 * @param finalAvgAccuracy the last version's average over skills
 * @param forgetting mean over the last version's skills of (best accuracy at any step − final accuracy)
 * @param seconds wall-clock seconds of the whole job
 * @param matrix the continual-learning metrics: the accuracy matrix of every version on every skill and release,
 *     with forgetting, backward and forward transfer ({@link ContinualMetrics}); null in a {@code results.json}
 *     written before it, or for a fit with no versions to compare
 */
@JsonPropertyOrder({"runId", "method", "seed", "steps", "finalAvgAccuracy", "forgetting", "seconds", "matrix"})
public record DemoResult(String runId, String method, long seed, List<Step> steps, double finalAvgAccuracy,
    double forgetting, double seconds, @JsonInclude(JsonInclude.Include.NON_NULL) ContinualMetrics matrix) {

  public DemoResult {
    steps = List.copyOf(steps);
  }

  /** A result without the continual-learning metrics. */
  public DemoResult(String runId, String method, long seed, List<Step> steps, double finalAvgAccuracy,
      double forgetting, double seconds) {
    this(runId, method, seed, steps, finalAvgAccuracy, forgetting, seconds, null);
  }

  /**
   * One step.
   *
   * <p>The fields from {@code testScores} on were added later: a {@code results.json} written before them still
   * reads, with an empty {@code testScores} and null for the others (null = not recorded, never "zero").
   *
   * @param release the task release of the step (the pretraining release for step 0)
   * @param poolSize samples scored at the step (the pool, the new release included)
   * @param fresh of which from the step's new release
   * @param selected samples selected for training
   * @param pruned pool samples removed for good at the step
   * @param accuracy the model after the step, per skill, in [0, 1]
   * @param modelSha256 the checkpoint of model version {@code step}
   * @param selectedIds the selected sample ids in id order (not in {@code results.json})
   * @param testScores the model after the step, per skill (the keys of {@code accuracy}): one score in [0, 1] per
   *     test sample of the skill, ordered by test sample id, so that index i is the same test sample in every run
   *     of the same seed (and the mean of the list is the skill's accuracy); empty when not recorded
   * @param optimizerSteps optimizer (Adam) steps the training of the step took
   * @param samplePasses samples passed through training at the step, repeats counted (examples × epochs in epochs
   *     mode, steps × batch size in steps mode; {@code TrainReport#samplePasses})
   * @param prunedFresh of the {@code pruned} samples, how many came from the step's new release
   * @param pickPercentile mean score percentile, within its cluster, of the samples the CCS sampler picked, in
   *     [0, 100]; null when the step had no CCS picks
   */
  @JsonPropertyOrder({"step", "release", "poolSize", "fresh", "selected", "pruned", "clusters", "accuracy",
      "avgAccuracy", "seconds", "trainedSamples", "modelSha256", "optimizerSteps", "samplePasses", "prunedFresh",
      "pickPercentile", "testScores"})
  public record Step(int step, String release, long poolSize, long fresh, long selected, long pruned,
      List<Cluster> clusters, Map<String, Double> accuracy, double avgAccuracy, Seconds seconds, long trainedSamples,
      String modelSha256, @JsonIgnore List<String> selectedIds, Map<String, List<Double>> testScores,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long optimizerSteps,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long samplePasses,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long prunedFresh,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double pickPercentile) {

    @JsonCreator
    public Step {
      clusters = List.copyOf(clusters);
      accuracy = new TreeMap<>(accuracy);
      selectedIds = selectedIds == null ? List.of() : List.copyOf(selectedIds); // null when read from JSON
      Map<String, List<Double>> scores = new TreeMap<>();
      if (testScores != null) {
        testScores.forEach((skill, list) -> scores.put(skill, List.copyOf(list)));
      }
      testScores = scores;
    }

    /** A step without the per-test-sample scores, compute counts, fresh pruning and pick percentile. */
    public Step(int step, String release, long poolSize, long fresh, long selected, long pruned,
        List<Cluster> clusters, Map<String, Double> accuracy, double avgAccuracy, Seconds seconds,
        long trainedSamples, String modelSha256, List<String> selectedIds) {
      this(step, release, poolSize, fresh, selected, pruned, clusters, accuracy, avgAccuracy, seconds,
          trainedSamples, modelSha256, selectedIds, Map.of(), null, null, null, null);
    }
  }

  /**
   * One pseudo-task cluster of a step.
   *
   * @param scorer the scorer chosen for it ({@code none} for policies without scores)
   * @param skills its members per skill label
   */
  @JsonPropertyOrder({"id", "size", "scorer", "selected", "pruned", "skills"})
  public record Cluster(int id, long size, String scorer, long selected, long pruned, Map<String, Long> skills) {
    public Cluster {
      skills = new TreeMap<>(skills);
    }
  }

  /**
   * Wall-clock seconds of a step's phases, from the selector's phase timestamps and the model record's time.
   *
   * @param scoring from the score requests to the last score collected
   * @param selection from the last score to the step's selection done (clustering, scorer choice, sampling, pruning)
   * @param training from the selection done to the model version published (training and evaluation)
   * @param evaluation of {@code training}, the seconds the new version's evaluation took (0 in results written
   *     before it was recorded)
   * @param incomingEvaluation of {@code training} too, the seconds of the evaluation before training (versions
   *     t−1 and 0 on release t's test split, for forward transfer); null where there was none (version 0, the
   *     switch off, results written before it)
   */
  @JsonPropertyOrder({"scoring", "selection", "training", "evaluation", "incomingEvaluation"})
  public record Seconds(double scoring, double selection, double training, double evaluation,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double incomingEvaluation) {

    @JsonCreator
    public Seconds {
    }

    /** Seconds without an incoming evaluation. */
    public Seconds(double scoring, double selection, double training, double evaluation) {
      this(scoring, selection, training, evaluation, null);
    }
  }

  /** The selected ids of every step, for {@code selections.json} and for comparing runs. */
  @JsonIgnore
  public Map<Integer, List<String>> selections() {
    Map<Integer, List<String>> m = new LinkedHashMap<>();
    steps.stream().filter(s -> s.step() > 0).forEach(s -> m.put(s.step(), s.selectedIds()));
    return m;
  }

  /** Accuracy per skill after each step, step 0 first. */
  @JsonIgnore
  public List<Map<String, Double>> accuracyPerStep() {
    return steps.stream().map(Step::accuracy).toList();
  }

  /** Mean over the final skills of (best accuracy at any step − final accuracy); 0 with no steps. */
  public static double forgetting(List<Map<String, Double>> accuracyPerStep) {
    if (accuracyPerStep.isEmpty()) {
      return 0;
    }
    Map<String, Double> last = accuracyPerStep.get(accuracyPerStep.size() - 1);
    if (last.isEmpty()) {
      return 0;
    }
    double sum = 0;
    for (Map.Entry<String, Double> e : last.entrySet()) {
      double best = accuracyPerStep.stream().map(a -> a.get(e.getKey())).filter(v -> v != null)
          .mapToDouble(Double::doubleValue).max().orElse(e.getValue());
      sum += best - e.getValue();
    }
    return sum / last.size();
  }
}
