package io.adaptstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.cli.run.experiment.ExperimentJob;
import io.adaptstream.cli.run.experiment.ExperimentTable;
import io.adaptstream.cli.run.experiment.Sweep;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code adapt sweep}: the finished runs of several experiments that differ in one setting, summarised side by
 * side with {@link Sweep}. It runs nothing; each experiment is run (and resumed) by {@code adapt experiment}.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Summarise experiments that differ in one setting (e.g. the budget): per experiment and method, "
        + "the final average accuracy with its 95% bootstrap interval against the sample passes trained, and the "
        + "paired differences of adapt against each method. Reads each DIR's finished runs (DIR/runs/*/results.json, "
        + "as `adapt experiment --out DIR` writes them); runs nothing. Writes sweep.json, sweep.md and sweep.png "
        + "(accuracy against sample passes, one line per method) to --out.", ""},
    footer = {"", "Example (the budget sweep of docs/benchmark.md):",
        "  adapt sweep --methods random,adapt --seeds 0,1,2 --out docs/results/budget-sweep \\",
        "    runs/sweep-b50 runs/table-v2 runs/sweep-b200"})
final class SweepCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "DIR", description = "Experiment directories, one per point of the sweep.")
  List<Path> experiments;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Where sweep.json, sweep.md and sweep.png go (created; files of an earlier sweep replaced).")
  Path out;

  @Option(names = "--methods", split = ",", paramLabel = "LIST",
      description = "Methods to include, comma-separated (default: every method found in the first DIR).")
  List<String> methods = new ArrayList<>();

  @Option(names = "--seeds", split = ",", paramLabel = "LIST",
      description = "Seeds to include, comma-separated (default: all); the same seeds at every point keep the "
          + "points paired.")
  List<Long> seeds = new ArrayList<>();

  @Option(names = "--title", paramLabel = "TEXT", defaultValue = "Final accuracy against sample passes",
      description = "The chart's and report's title (default: ${DEFAULT-VALUE}).")
  String title;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Map<String, List<ExperimentTable.Run>> runs = new LinkedHashMap<>();
    Map<String, String> settings = new LinkedHashMap<>();
    for (Path dir : experiments) {
      if (!Files.isDirectory(dir.resolve(ExperimentJob.RUNS_DIR))) {
        err.println("adapt sweep: " + dir + " is not an experiment directory (no " + ExperimentJob.RUNS_DIR
            + "/ in it); run `adapt experiment --out " + dir + "` first");
        return AdaptCli.EXIT_USAGE;
      }
      String label = dir.toAbsolutePath().normalize().getFileName().toString();
      if (runs.containsKey(label)) {
        label = dir.toString();
      }
      runs.put(label, Sweep.runs(dir, methods, seeds));
      settings.put(label, settings(dir));
    }
    if (runs.values().stream().allMatch(List::isEmpty)) {
      err.println("adapt sweep: no finished runs of methods " + (methods.isEmpty() ? "(any)" : methods)
          + " and seeds " + (seeds.isEmpty() ? "(any)" : seeds) + " in " + experiments);
      return AdaptCli.EXIT_FAILURE;
    }
    Sweep sweep = Sweep.of(runs, settings);
    List<Path> written = sweep.write(out, title, "adapt " + String.join(" ", spec.commandLine().getParseResult()
        .originalArgs()));
    PrintWriter pw = spec.commandLine().getOut();
    pw.print(sweep.markdown(title, null));
    pw.println("written: " + written);
    pw.flush();
    return AdaptCli.EXIT_OK;
  }

  /** The experiment's settings line from its experiment.json ({@code -} when it has none). */
  private static String settings(Path dir) throws java.io.IOException {
    Path file = dir.resolve(ExperimentCommand.SETTINGS_FILE);
    if (!Files.isRegularFile(file)) {
      return "-";
    }
    JsonNode n = JSON.readTree(file.toFile());
    List<String> parts = new ArrayList<>();
    n.fields().forEachRemaining(e -> parts.add(e.getKey() + ": " + e.getValue().asText()));
    return String.join("; ", parts);
  }
}
