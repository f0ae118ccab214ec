package io.adaptstream.cli;

import io.adaptstream.benchmark.Manifest;
import io.adaptstream.benchmark.Size;
import io.adaptstream.cli.run.demo.DemoData;
import io.adaptstream.model.ModelConfig;
import io.adaptstream.selector.SelectorConfig;
import io.adaptstream.trainer.TrainerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A whole run made small enough for integration tests: a slice of the skill-world benchmark (tens of samples per
 * release), a model of a few thousand parameters and short training. Everything else (services, topics, steps,
 * selection) is as in a real run.
 */
final class TinyRun {

  /** 32 px images as the benchmark draws them, full-length text, one small layer. */
  static final ModelConfig MODEL = new ModelConfig(32, 8, 8, 3, 32, 1, 2, 64, 128, 0, 16, 7L);

  private static Path benchmark;

  private TinyRun() {}

  /** Service overrides of a tiny run. */
  static Map<String, String> overrides() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(TrainerConfig.MODEL_CONFIG, MODEL.toJson());
    // epochs mode (over the protocol's optimizer steps per time step, which the commands set by default)
    m.put(TrainerConfig.STEPS, "0");
    m.put(TrainerConfig.PRETRAIN_STEPS, "0");
    m.put(TrainerConfig.EPOCHS, "1");
    m.put(TrainerConfig.PRETRAIN_EPOCHS, "2");
    m.put(TrainerConfig.BATCH_SIZE, "8");
    m.put(SelectorConfig.BUDGET, "16");
    m.put(SelectorConfig.POOL_CAP, "40");
    m.put(SelectorConfig.K, "4");
    return m;
  }

  /** The same as {@code --set} options of the command line. */
  static String[] setOptions() {
    return overrides().entrySet().stream().flatMap(e -> java.util.stream.Stream.of("--set", e.getKey() + "="
        + e.getValue())).toArray(String[]::new);
  }

  /**
   * The pretraining release and the first {@code tasks} task releases, each cut to {@code train} train and
   * {@code test} test samples, written to {@code dir}. The QUICK benchmark they come from is generated once per JVM.
   */
  static DemoData data(Path dir, int tasks, int train, int test) {
    try {
      return DemoData.of(Manifest.read(benchmark()), benchmark())
          .firstTasks(tasks).slice(train, test, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The QUICK benchmark (seed 0) in {@code target/it-benchmark}: generated once and reused, since the same seed
   * and design always give the same files (one left by an older design is generated again).
   */
  static synchronized Path benchmark() throws IOException {
    if (benchmark == null) {
      Path dir = Path.of("target", "it-benchmark").toAbsolutePath();
      Path manifest = dir.resolve(Manifest.FILE_NAME);
      Manifest existing = Files.exists(manifest) ? Manifest.read(manifest) : null;
      if (existing == null || existing.size() != Size.QUICK || existing.seed() != 0
          || existing.design() != Manifest.CURRENT_DESIGN) {
        DemoData.generate(dir, 0, Size.QUICK);
      }
      benchmark = dir;
    }
    return benchmark;
  }
}
