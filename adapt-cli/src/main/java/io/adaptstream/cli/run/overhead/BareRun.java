package io.adaptstream.cli.run.overhead;

import io.adaptstream.avro.Sample;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.model.CheckpointRef;
import io.adaptstream.model.ComputeDevice;
import io.adaptstream.model.Evaluator;
import io.adaptstream.model.Example;
import io.adaptstream.model.Learner;
import io.adaptstream.model.LearnerConfig;
import io.adaptstream.model.Learners;
import io.adaptstream.model.SampleSignals;
import io.adaptstream.model.TrainOptions;
import io.adaptstream.selector.algo.Member;
import io.adaptstream.selector.algo.SelectionPolicy;
import io.adaptstream.selector.algo.StepPlanner;
import io.adaptstream.trainer.ExampleFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A run's steps redone in one process, without Kafka: per step, score the pool with the model in memory, plan the
 * selection with the selector's single-JVM reference ({@link StepPlanner}), train the pipeline's selected samples
 * with the trainer's step options, checkpoint, and evaluate on the step's test samples, each phase timed.
 *
 * <p>It is the denominator of the pipeline's overhead: the same learner, threads, micro-batches, optimizer steps
 * and test samples as the services used, with everything the services add around them (topics, transactions,
 * serialisation, waiting for one another, loading a version from the blob store) left out. Samples are converted
 * from the blob store's images inside each phase, as the services convert them.
 */
public final class BareRun {

  /**
   * What every step shares.
   *
   * @param learner the learner the services ran
   * @param device where the arrays live
   * @param scoringMicroBatch the scoring workers' micro-batch
   * @param evalBatchSize the trainer's evaluation batch
   * @param policy the selection method
   */
  public record Settings(LearnerConfig learner, ComputeDevice device, int scoringMicroBatch, int evalBatchSize,
      SelectionPolicy policy) {

    public Settings {
      Objects.requireNonNull(learner, "learner");
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(policy, "policy");
    }
  }

  /**
   * One step as the pipeline ran it.
   *
   * @param step the time step (1 or more)
   * @param pool the samples to score (as many as the pipeline's pool)
   * @param fresh ids of the pool's samples that are new this step
   * @param selected the samples the pipeline selected, in the order the trainer trains on them
   * @param tests the step's test samples
   * @param options the trainer's options of the step
   * @param selection the selector's algorithm settings of the step
   * @param pipeline the pipeline's phase seconds
   * @param pipelineSha256 the checkpoint the pipeline made at this step
   */
  public record StepInput(int step, List<Sample> pool, Set<String> fresh, List<Sample> selected, List<Sample> tests,
      TrainOptions options, StepPlanner.Settings selection, BareStep.Phases pipeline, String pipelineSha256) {}

  private BareRun() {}

  /**
   * Redoes {@code steps} in order from the checkpoint {@code base} (the run's version 0), the model kept in memory
   * from step to step as the trainer keeps it; {@code progress} hears one line per phase.
   */
  public static List<BareStep> run(Settings settings, BlobStore blobs, CheckpointRef base, List<StepInput> steps,
      Consumer<String> progress) throws IOException {
    ExampleFactory examples = new ExampleFactory(blobs);
    List<BareStep> out = new ArrayList<>(steps.size());
    float[][] centroids = null;
    try (Learner model = Learners.load(settings.learner(), blobs, base.sha256(), base.configJson(),
        settings.device())) {
      for (StepInput in : steps) {
        long t0 = System.nanoTime();
        List<Example> pool = convert(in.pool(), examples, model);
        List<SampleSignals> signals = model.signals(pool, settings.scoringMicroBatch());
        double scoring = since(t0);
        progress.accept(String.format("step %d bare: %d scored in %.1f s", in.step(), pool.size(), scoring));

        t0 = System.nanoTime();
        List<Member> members = new ArrayList<>(pool.size());
        for (int i = 0; i < pool.size(); i++) {
          SampleSignals s = signals.get(i);
          String id = pool.get(i).id();
          members.add(Member.of(id, in.fresh().contains(id), s.sketch(), s.embedding(), s.perplexity(), s.el2n(),
              s.entropy(), s.grounding(), s.grand()));
        }
        StepPlanner.StepPlan plan = new StepPlanner(settings.policy(), in.selection()).plan(members, centroids);
        centroids = plan.centroids();
        double selection = since(t0);

        t0 = System.nanoTime();
        List<Example> train = convert(in.selected(), examples, model);
        if (!train.isEmpty()) {
          model.train(train, in.options(), null);
        }
        CheckpointRef made = model.save(blobs);
        double training = since(t0);
        progress.accept(String.format("step %d bare: %d selected, %d trained in %.1f s", in.step(),
            plan.selectedIds().size(), train.size(), training));

        t0 = System.nanoTime();
        List<Example> tests = convert(in.tests(), examples, model);
        tests.sort(Comparator.comparing(Example::id));
        model.evaluate(tests, settings.evalBatchSize(), Evaluator.DEFAULT_ANSWER_MARGIN);
        double evaluation = since(t0);
        progress.accept(String.format("step %d bare: %d tests evaluated in %.1f s", in.step(), tests.size(),
            evaluation));

        out.add(new BareStep(in.step(), pool.size(), train.size(), tests.size(), in.pipeline(),
            new BareStep.Phases(scoring, selection, training, evaluation), made.sha256().equals(in.pipelineSha256())));
      }
    }
    return out;
  }

  private static List<Example> convert(List<Sample> samples, ExampleFactory examples, Learner model) {
    List<Example> out = new ArrayList<>(samples.size());
    for (Sample s : samples) {
      ExampleFactory.Conversion c = examples.convert(s, model);
      if (c.ok()) {
        out.add(c.example());
      }
    }
    return out;
  }

  private static double since(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
