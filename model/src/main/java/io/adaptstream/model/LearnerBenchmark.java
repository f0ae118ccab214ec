package io.adaptstream.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures learners side by side through the {@link Learner} interface in one process: the built-in model
 * (default CPU architecture) and a TorchScript module, on the same synthetic samples: training throughput,
 * signals throughput and greedy evaluation throughput. It is what "Using your own model" quotes for the cost of a
 * user's module next to the built-in one.
 */
@Command(name = "learner-benchmark", mixinStandardHelpOptions = true,
    description = "Training, signals and evaluation throughput of the built-in model and a TorchScript module.")
public final class LearnerBenchmark implements Callable<Integer> {

  static final String COMMAND = ModelBenchmark.LAUNCH
      + "LearnerBenchmark --torchscript model/src/test/resources/tiny-vlm.pt";

  @Option(names = "--torchscript", required = true, description = "The TorchScript module file.")
  Path torchscript;

  @Option(names = "--samples", description = "Samples for training and signals (default ${DEFAULT-VALUE}).")
  int samples = 256;

  @Option(names = "--steps", description = "Optimizer steps timed per round (default ${DEFAULT-VALUE}).")
  int steps = 40;

  @Option(names = "--batch", description = "Signals micro-batch (default ${DEFAULT-VALUE}, the scoring service's).")
  int batch = 32;

  @Option(names = "--train-batch", description = "Training batch (default ${DEFAULT-VALUE}, the trainer service's).")
  int trainBatch = 8;

  @Option(names = "--eval-samples", description = "Test samples decoded per round (default ${DEFAULT-VALUE}).")
  int evalSamples = 64;

  @Option(names = "--rounds", description = "Timed rounds; the best is reported (default ${DEFAULT-VALUE}).")
  int rounds = 2;

  @Option(names = "--seed", description = "Seed of data, model and shuffles (default ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--deterministic", description = "One PyTorch thread (deterministic mode).")
  boolean deterministic;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LearnerBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    DjlRuntime.init(deterministic);
    SyntheticSamples data = new SyntheticSamples(seed);
    List<Example> examples = data.varied(samples);
    List<Example> tests = data.evaluation(evalSamples);
    List<String> rows = new ArrayList<>();
    rows.add(measure("builtin", Learners.create(LearnerConfig.builtin(), ModelConfig.cpu(), seed,
        ComputeDevice.CPU), examples, tests));
    // the built-in architecture at the fixture's size (hidden 64, 2 layers, 4 heads, MLP 256, 16 tokens per image)
    ModelConfig small = new ModelConfig(32, 16, 8, 3, 64, 2, 4, 256, 128, 1, 256, 1234L);
    rows.add(measure("builtin, fixture-sized", Learners.create(LearnerConfig.builtin(), small, seed,
        ComputeDevice.CPU), examples, tests));
    rows.add(measure("torchscript (" + torchscript.getFileName() + ")",
        Learners.create(LearnerConfig.torchScript(torchscript, LearnerConfig.ALL_PARAMETERS), ModelConfig.cpu(),
            seed, ComputeDevice.CPU), examples, tests));
    StringBuilder table = new StringBuilder();
    table.append("| learner | parameters | train steps/s (batch ").append(trainBatch)
        .append(") | signals samples/s (micro-batch ").append(batch).append(") | eval samples/s |\n")
        .append("|---|---|---|---|---|\n");
    rows.forEach(r -> table.append(r).append('\n'));
    System.out.println(table);
    System.out.println(String.format(Locale.ROOT, "%d samples (SyntheticSamples.varied, seed %d), %d steps, "
        + "%d test samples, best of %d rounds, deterministic=%s", samples, seed, steps, evalSamples, rounds,
        DjlRuntime.isDeterministic()));
    return 0;
  }

  private String measure(String name, Learner learner, List<Example> examples, List<Example> tests) {
    try (learner) {
      TrainOptions options = TrainOptions.defaults().withBatchSize(trainBatch).withSteps(steps).withSeed(seed);
      // warm-up of every path
      learner.train(examples, options.withSteps(2), null);
      learner.signals(examples.subList(0, Math.min(batch, examples.size())), batch);
      learner.evaluate(tests.subList(0, Math.min(8, tests.size())), 32, Evaluator.DEFAULT_ANSWER_MARGIN);
      double train = 0;
      double signals = 0;
      double eval = 0;
      for (int round = 0; round < rounds; round++) {
        long start = System.nanoTime();
        learner.train(examples, options.withSeed(seed + round + 1), null);
        train = Math.max(train, steps / seconds(start));
        start = System.nanoTime();
        learner.signals(examples, batch);
        signals = Math.max(signals, examples.size() / seconds(start));
        start = System.nanoTime();
        learner.evaluate(tests, 32, Evaluator.DEFAULT_ANSWER_MARGIN);
        eval = Math.max(eval, tests.size() / seconds(start));
      }
      return String.format(Locale.ROOT, "| %s | %,d | %.1f | %.0f | %.1f |", name, learner.parameterCount(), train,
          signals, eval);
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
