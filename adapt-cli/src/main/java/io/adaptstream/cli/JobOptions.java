package io.adaptstream.cli;

import io.adaptstream.cli.run.demo.DemoData;
import io.adaptstream.cli.run.demo.Protocol;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the commands that run the pipeline over a set of releases (demo, experiment): how the runs
 * train ({@code --fast}, {@code --compute}, {@code --set}) and how much of the data they take ({@code --tasks}, and
 * the hidden {@code --max-samples} of smoke runs and tests). One class, so both commands offer them with the same
 * names, help and effect.
 */
public final class JobOptions {

  @Mixin
  FastOption speed = new FastOption();

  @Mixin
  ComputeOption compute = new ComputeOption();

  @Option(names = "--tasks", paramLabel = "N", description = "Only the first N task releases (default: all).")
  Integer tasks;

  /** Smoke runs and tests: at most TRAIN train and TEST test samples per release. */
  @Option(names = "--max-samples", paramLabel = "TRAIN:TEST", hidden = true)
  String maxSamples;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a service setting for every run, e.g. --set selector.budget=200 (repeatable; recorded "
          + "in each run's run.json and replayed with it).")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** Whether runs may give up bit-identical results for speed. */
  boolean fast() {
    return speed.fast();
  }

  Protocol.Compute compute() {
    return compute.compute();
  }

  /** The {@code --set} settings, in the order given. */
  Map<String, String> overrides() {
    return overrides;
  }

  /** {@code --tasks}, when given. */
  Optional<Integer> tasks() {
    return Optional.ofNullable(tasks);
  }

  /** {@code --max-samples} as given ({@code TRAIN:TEST}), when given. */
  Optional<String> maxSamples() {
    return Optional.ofNullable(maxSamples);
  }

  /** {@code data} cut to the first {@code --tasks} releases and to {@code --max-samples} (written under dataDir). */
  DemoData trim(DemoData data, Path dataDir) throws IOException {
    DemoData d = tasks == null ? data : data.firstTasks(tasks);
    if (maxSamples != null) {
      String[] parts = maxSamples.split(":");
      d = d.slice(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), dataDir.resolve("slice"));
    }
    return d;
  }
}
