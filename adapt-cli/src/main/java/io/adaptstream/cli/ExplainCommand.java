package io.adaptstream.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.SampleHistory;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.selector.query.ProvenanceView;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code adapt explain SAMPLE_ID}: what the selector did with one sample at every step of a run, and why, from the
 * run's provenance topic (so it answers after the run has ended), with where the sample came from.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Explain what the selector did with one sample at every step of a run, and why: the model "
        + "version that scored it and its scores, its cluster and distance to the centroid, the cluster's scorer "
        + "with every scorer's entropy, its CCS stratum, selected or not, its redundancy, and whether it was kept "
        + "or pruned for good (near-duplicate of which sample, or over the pool cap); and where it was published.",
        "Reads the run's topics (the selector's provenance topic and the ingest log), so it works after the run "
            + "has ended while the broker runs. Finds the system in local mode (DIR/local.json) unless "
            + "--bootstrap-servers and --schema-registry-url are given.",
        "Exit status 0 when the sample was found, 1 when neither the ingest log nor the run knows it.", ""})
final class ExplainCommand implements Callable<Integer> {

  /** The most one topic read may take. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  @Spec
  CommandSpec spec;

  @Mixin
  DeploymentOptions deployment;

  @Parameters(index = "0", paramLabel = "SAMPLE_ID", description = "The sample's id (the sha256 of its content).")
  String sampleId;

  @Option(names = {"--run", "--run-id"}, paramLabel = "RUN", defaultValue = TopicCatalogue.DEFAULT_RUN,
      description = "The run (default: ${DEFAULT-VALUE}).")
  String runId;

  @Mixin
  StatusJsonOption output = new StatusJsonOption();

  @Override
  public Integer call() throws Exception {
    Deployment target = deployment.resolve();
    SampleHistory history = SampleHistory.read(target, runId, sampleId, READ_TIMEOUT);
    PrintWriter out = spec.commandLine().getOut();
    output.print(out, history, ExplainCommand::toJson, ExplainCommand::print);
    out.flush();
    return history.origin().isEmpty() && !history.decided() ? AdaptCli.EXIT_FAILURE : AdaptCli.EXIT_OK;
  }

  /** The history in a few lines per step. */
  static void print(PrintWriter out, SampleHistory h) {
    out.println("sample " + h.sampleId() + " (run " + h.runId() + ")");
    h.origin().ifPresentOrElse(o -> out.printf(Locale.ROOT, "  published   release %s, entry %s (%s%s), %s-%d@%d%n",
        o.release(), o.sourceId(), o.split().toLowerCase(Locale.ROOT), o.skill() == null ? "" : ", skill "
            + o.skill(), o.topic(), o.partition(), o.offset()),
        () -> out.println("  published   not found in the ingest log"));
    if (!h.decided()) {
      out.println("  selector    never decided it in run " + h.runId() + " (a pretraining or test sample, one "
          + "whose step has not been decided yet, or an unknown id)");
      return;
    }
    for (ProvenanceView p : h.steps()) {
      String step = String.format(Locale.ROOT, "  step %-6d ", p.step());
      String pad = " ".repeat(step.length());
      out.println(step + "scored by " + p.model() + " v" + p.modelVersion() + ": " + scores(p.scores())
          + (p.fresh() ? " (new release)" : " (from the pool)"));
      out.println(pad + cluster(p));
      out.println(pad + p.selection() + (p.rankedScore() == null ? ""
          : String.format(Locale.ROOT, " (%s %.4g)", p.scorer(), p.rankedScore())));
      out.println(pad + fate(p));
    }
    ProvenanceView last = h.steps().get(h.steps().size() - 1);
    if (last.pruned()) {
      out.println("  left the pool for good at step " + last.step());
    }
  }

  private static String cluster(ProvenanceView p) {
    String where = p.centroidDistance() < 0
        ? String.format(Locale.ROOT, "cluster %d (%d members, not clustered)", p.cluster(), p.clusterSize())
        : String.format(Locale.ROOT, "cluster %d (%d members, distance to centroid %.3f)", p.cluster(),
            p.clusterSize(), p.centroidDistance());
    if (p.entropies().isEmpty()) {
      return where + "; no scorer (" + p.scorer() + ")";
    }
    String entropies = p.entropies().entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s%s %.2f", e.getKey(), e.getKey().equals(p.scorer()) ? "*" : "",
            e.getValue()))
        .collect(Collectors.joining(", "));
    return where + "; scorer " + p.scorer() + " (entropy bits: " + entropies + ")";
  }

  private static String fate(ProvenanceView p) {
    String stat = p.redundancy() == null ? "" : String.format(Locale.ROOT, "max cosine %.3f to %s", p.redundancy(),
        p.nearest());
    if (!p.pruned()) {
      return "kept in the pool" + (stat.isEmpty() ? " (within the keep budget, nothing compared)" : " (" + stat + ")");
    }
    return switch (p.pruneReason()) {
      case "near-duplicate" -> "pruned for good: near-duplicate of " + p.duplicateOf() + " (" + stat + ")";
      case "over-cap" -> String.format(Locale.ROOT, "pruned for good: over the cluster's keep budget of %d, among "
          + "its most redundant (%s)", p.keepBudget(), stat);
      case "retired" -> "retired: the policy keeps no pool after a step";
      default -> "pruned for good: " + p.pruneReason() + (stat.isEmpty() ? "" : " (" + stat + ")");
    };
  }

  private static String scores(Map<String, Double> scores) {
    return scores.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.4g", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
  }

  static ObjectNode toJson(SampleHistory h) {
    ObjectNode n = StatusJsonOption.JSON.createObjectNode();
    n.put("runId", h.runId());
    n.put("sampleId", h.sampleId());
    n.set("origin", StatusJsonOption.JSON.valueToTree(h.origin().orElse(null)));
    n.set("steps", StatusJsonOption.JSON.valueToTree(h.steps()));
    return n;
  }
}
