package io.adaptstream.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.adaptstream.benchmark.Size;
import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.run.demo.DemoProgress;
import io.adaptstream.cli.run.demo.Protocol;
import io.adaptstream.cli.run.experiment.ExperimentJob;
import io.adaptstream.cli.run.experiment.ExperimentReport;
import io.adaptstream.cli.run.experiment.ExperimentSources;
import io.adaptstream.cli.run.experiment.ExperimentTable;
import io.adaptstream.cli.run.experiment.JointFit;
import io.adaptstream.selector.algo.SelectionPolicy;
import io.adaptstream.trainer.TrainerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code adapt experiment}: every selection method through the real pipeline on the same data, then the comparison
 * table and charts. A thin wrapper over {@link ExperimentJob} (the runs) and {@link ExperimentReport} (the table).
 */
@Command(name = "experiment", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Compare selection methods through the real pipeline, on exactly the same data.",
        "Per seed, starts local mode in DIR/seeds/<seed>/local, publishes the data once, and runs every method as "
            + "a run of its own (own run id, own Kafka Streams application and topics) over that ingest log; the "
            + "base model v0 is trained once per seed and loaded by the other runs. Each run's files go to "
            + "DIR/runs/<method>-s<seed>/; then DIR/table.json, DIR/table.md and charts. Runs that already have a "
            + "results.json are skipped, so running the same command again resumes an interrupted table.", ""})
final class ExperimentCommand implements Callable<Integer> {

  /** All methods, the paper's comparison, then the joint reference (equal compute only). */
  static final List<String> DEFAULT_METHODS = List.of("sequential", "random", "el2n", "entropy", "perplexity",
      "grounding", "semdedup", "adapt", "lite", "multitask", JointFit.METHOD);
  /** A smoke comparison with {@code --quick}. */
  static final List<String> QUICK_METHODS = List.of("sequential", "random", "adapt", "multitask", JointFit.METHOD);
  static final String SETTINGS_FILE = "experiment.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @ParentCommand
  AdaptCli root;

  @Spec
  CommandSpec spec;

  @Option(names = "--methods", paramLabel = "LIST", split = ",",
      description = "Methods to compare, comma-separated (default: all ten, then joint; with --quick: "
          + "sequential,random,adapt,multitask,joint). 'joint' is the reference of the relative gain, not a "
          + "selection method: per seed, one fit from the seed's base model on the train samples of all task "
          + "releases with T x trainer.steps optimizer steps (T task releases), evaluated once on every release's "
          + "test samples; equal compute only (left out of the default list otherwise).")
  List<String> methods;

  @Option(names = "--seeds", paramLabel = "N", defaultValue = "1",
      description = "Seeds 0..N-1 (default: ${DEFAULT-VALUE}). On the benchmark a seed is its own data and "
          + "randomness; with --releases only the methods' and training's randomness.")
  int seeds;

  @Mixin
  ReleaseFilesOptions files = new ReleaseFilesOptions();

  @Option(names = "--quick", description = "The QUICK benchmark with the protocol's lighter QUICK settings, fewer "
      + "methods.")
  boolean quick;

  @Option(names = "--out", paramLabel = "DIR",
      description = "The experiment's directory (default: RUNS/experiment-quick, RUNS/experiment-full or "
          + "RUNS/experiment-releases). Running again with the same DIR resumes.")
  Path out;

  @Option(names = "--runs-dir", paramLabel = "RUNS", defaultValue = "runs",
      description = "Where the experiment goes without --out (default: ${DEFAULT-VALUE}).")
  Path runsDir;

  @Mixin
  JobOptions job = new JobOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter pw = spec.commandLine().getOut();
    List<String> chosen = methods != null ? methods : quick ? QUICK_METHODS : DEFAULT_METHODS;
    List<String> names = new ArrayList<>();
    for (String m : chosen) {
      String name = m.trim().toLowerCase(Locale.ROOT);
      if (!SelectionPolicy.all().containsKey(name) && !name.equals(JointFit.METHOD)) {
        throw new ParameterException(spec.commandLine(), "unknown method '" + m + "'; valid: "
            + String.join(", ", SelectionPolicy.all().keySet()) + ", " + JointFit.METHOD);
      }
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    if (seeds < 1) {
      throw new ParameterException(spec.commandLine(), "--seeds must be at least 1");
    }
    if (job.tasks().filter(n -> n < 1).isPresent()) {
      throw new ParameterException(spec.commandLine(), "--tasks must be at least 1");
    }
    files.check();
    boolean user = files.given();
    Size size = quick ? Size.QUICK : Size.FULL;
    Map<String, String> all = new LinkedHashMap<>(new Protocol(job.compute(), size).overrides());
    all.putAll(job.overrides());
    if (user && !files.hasPretrain() && !all.containsKey(TrainerConfig.BASE)) {
      all.put(TrainerConfig.BASE, "random");
    }
    try {
      // validates the overrides; any selection method does (the joint reference has none of its own)
      String anyPolicy = names.stream().filter(n -> !n.equals(JointFit.METHOD)).findFirst()
          .orElse(SelectionPolicy.all().keySet().iterator().next());
      all = new PipelineSettings("experiment", anyPolicy, 0, !job.fast(), all).overrides();
    } catch (IllegalArgumentException | ConfigException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    String jointLeftOut = null;
    if (names.contains(JointFit.METHOD)) {
      try {
        ExperimentJob.checkJoint(names, all);
      } catch (IllegalArgumentException e) {
        if (methods != null) {
          throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        names.remove(JointFit.METHOD);
        jointLeftOut = "no joint reference: " + e.getMessage();
      }
    }
    String label = user ? "releases" : quick ? "quick" : "full";
    Path dir = (out != null ? out : runsDir.resolve("experiment-" + label)).toAbsolutePath().normalize();
    Map<String, String> settings = settings(user, size, all);
    checkSameSettings(dir, settings);

    List<Long> seedList = LongStream.range(0, seeds).boxed().toList();
    pw.println("adapt experiment: " + names.size() + " methods x " + seeds + " seed(s) = " + names.size() * seeds
        + " runs (" + String.join(", ", names) + ") on " + settings.get("data") + ", " + (job.fast() ? "fast"
        : "deterministic") + " mode, " + job.compute() + " compute, in " + dir);
    pw.println("compute protocol: " + Protocol.describe(all));
    if (jointLeftOut != null) {
      pw.println(jointLeftOut);
    }
    pw.println("every method of a seed runs over the same published ingest log; the base model v0 is trained once "
        + "per seed (by its first run) and loaded by the others (trainer.base=checkpoint); runs with a results.json "
        + "are skipped");
    pw.flush();
    ExperimentJob.Source source = user ? files.source(job::trim) : ExperimentSources.benchmark(size, job::trim);
    ExperimentJob.Deployments deployments = (seed, seedDir) -> {
      LocalSession local = LocalSession.open(seedDir.resolve("local"), pw);
      return new ExperimentJob.Lease(local.deployment(), local::attach, local.layout().dir(), local);
    };
    String sizeLabel = user || job.maxSamples().isPresent() ? "custom" : size.name();
    ExperimentJob experiment = new ExperimentJob(root.services(), deployments, source, names, seedList,
        !job.fast(), all, sizeLabel, dir, DemoProgress.timed(pw)).compute(job.compute());
    List<ExperimentJob.Outcome> outcomes = experiment.run();
    List<String> notes = new ArrayList<>();
    notes.add("the base model v0 of each seed was trained once, by the seed's first run, and loaded by the others "
        + "(trainer.base=checkpoint): that run's wall time includes it");
    notes.add(Protocol.describe(all));
    if (names.contains(JointFit.METHOD)) {
      notes.add("joint: per seed, one fit from v0 on the train samples of all task releases with T x "
          + all.get(TrainerConfig.STEPS) + " optimizer steps (T task releases), evaluated once on every release's "
          + "test samples; its forgetting is 0 by construction");
    } else if (jointLeftOut != null) {
      notes.add(jointLeftOut);
    }
    ExperimentTable table = ExperimentReport.write(outcomes, commandLine(), settings, notes, experiment.benchmarks(),
        dir);
    pw.println();
    pw.print(terminalTables(Files.readString(dir.resolve(ExperimentReport.TABLE_MD))));
    table.notes().forEach(n -> pw.println("note: " + n));
    pw.println();
    pw.println("written to " + dir + ": [table.json, table.md, charts, runs/]");
    pw.flush();
    return AdaptCli.EXIT_OK;
  }

  /**
   * What the terminal shows of {@code table.md}: its first table (the methods) and the paired differences; the
   * diagnostics and the runs stay in the file.
   */
  static String terminalTables(String markdown) {
    StringBuilder out = new StringBuilder();
    boolean first = true;
    boolean paired = false;
    boolean inTable = false;
    for (String line : markdown.lines().toList()) {
      boolean row = line.startsWith("|");
      if (line.startsWith("## ")) {
        paired = line.equals(ExperimentReport.PAIRED_HEADING);
      }
      if (row && (first || paired)) {
        out.append(line).append(System.lineSeparator());
      }
      if (inTable && !row) {
        if (first) {
          out.append(System.lineSeparator());
        }
        first = false;
      }
      inTable = row;
    }
    return out.toString();
  }

  /** The command as typed, from {@code experiment} on. */
  private String commandLine() {
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    int at = args.indexOf(spec.name());
    return "adapt " + String.join(" ", at < 0 ? args : args.subList(at, args.size()));
  }

  private Map<String, String> settings(boolean user, Size size, Map<String, String> all) {
    Map<String, String> m = new LinkedHashMap<>();
    if (user) {
      m.put("data", files.describe());
    } else {
      m.put("data", "skill-world benchmark, " + size + " (seed s generates the data of seed s)");
    }
    job.tasks().ifPresent(n -> m.put("tasks", Integer.toString(n)));
    job.maxSamples().ifPresent(v -> m.put("max samples per release (train:test)", v));
    m.put("mode", job.fast() ? "fast (two PyTorch threads)" : "deterministic (one PyTorch thread)");
    m.put("compute", job.compute().label());
    m.put("overrides", new TreeMap<>(all).toString());
    return m;
  }

  /** A directory holds one experiment's settings: resuming with other settings would mix incomparable runs. */
  private void checkSameSettings(Path dir, Map<String, String> settings) throws java.io.IOException {
    Path file = dir.resolve(SETTINGS_FILE);
    if (Files.isRegularFile(file)) {
      Map<String, String> before = JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, String>>() {});
      if (!before.equals(settings)) {
        throw new ParameterException(spec.commandLine(), dir + " holds an experiment with other settings ("
            + file + "): " + before + "; use another --out");
      }
    } else {
      Files.createDirectories(dir);
      JSON.writeValue(file.toFile(), settings);
    }
  }
}
