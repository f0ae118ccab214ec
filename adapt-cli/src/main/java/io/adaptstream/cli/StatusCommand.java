package io.adaptstream.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.run.RunStatus;
import io.adaptstream.selector.query.ClusterView;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code adapt status}: where a run stands: step, phase, pool, clusters, latest model and evaluation. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Show where a run stands: the current step and phase, the pool, the clusters with their "
        + "scorers, the latest model version and its evaluation (average and per skill).",
        "Finds the system in local mode (DIR/local.json, which also names the selector's query server) unless "
            + "--bootstrap-servers and --schema-registry-url are given; the selector part needs --selector-url then.",
        "Exit status 0 when something could be read, 1 when nothing could.", ""})
final class StatusCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  DeploymentOptions deployment;

  @Mixin
  RunOptions run;

  @Mixin
  StatusJsonOption output = new StatusJsonOption();

  @Override
  public Integer call() throws Exception {
    Deployment target = deployment.resolve();
    Optional<URI> selector = run.selector(target);
    RunStatus st = RunStatus.read(target, run.runId, run.model, selector);
    PrintWriter out = spec.commandLine().getOut();
    output.print(out, st, StatusCommand::toJson, StatusCommand::print);
    out.flush();
    boolean nothing = st.step().isEmpty() && st.model().isEmpty() && st.selectorProblem() != null
        && st.topicsProblem() != null;
    return nothing ? AdaptCli.EXIT_FAILURE : AdaptCli.EXIT_OK;
  }

  private static void print(PrintWriter out, RunStatus st) {
    out.println("run " + st.runId() + st.selectorUrl().map(u -> " (selector " + u + ")").orElse(""));
    if (st.selectorProblem() != null) {
      out.println("  selector         " + st.selectorProblem());
    }
    st.step().ifPresentOrElse(v -> out.printf(Locale.ROOT, "  step             %d (%s): %s, pool %d (%d fresh), "
        + "%d scored, %d selected, %d pruned%n", v.step(), v.release(), v.phase(), v.poolSize(), v.fresh(),
        v.scores(), v.selected(), v.pruned()), () -> {
          if (st.selectorProblem() == null) {
            out.println("  step             none yet (waiting for a sealed task release and model version 0)");
          }
        });
    st.pool().ifPresent(p -> out.printf(Locale.ROOT, "  pool             %d samples of sealed task releases "
        + "(%d of releases still being published, %d removed for good)%n", p.size(), p.pending(), p.deleted()));
    if (!st.clusters().isEmpty()) {
      out.println("  clusters         of step " + st.clustersStep() + ": " + st.clusters().stream()
          .map(c -> c.cluster() + ": " + Objects.toString(c.size(), "?") + " " + Objects.toString(c.scorer(), "?"))
          .collect(Collectors.joining(", ")));
    }
    if (st.topicsProblem() != null) {
      out.println("  model            " + st.topicsProblem());
    }
    st.model().ifPresent(m -> out.printf(Locale.ROOT, "  model            %s v%d (%s, %d samples trained, sha256 "
        + "%.12s)%n", m.getModel(), m.getVersion(), Objects.toString(m.getRelease(), "-"), m.getTrainedSamples(),
        m.getSha256()));
    st.evaluation().ifPresent(e -> {
      out.printf(Locale.ROOT, "  evaluation       v%d: average %.3f over %d skills (%d test samples)%n",
          e.getVersion(), e.getAvgAccuracy(), e.getAccuracy().size(), e.getTestSamples());
      accuracy(e).forEach((k, v) -> out.printf(Locale.ROOT, "    %-26s %.3f%n", k, v));
    });
    st.matrix().ifPresent(m -> out.printf(Locale.ROOT, "  continual        v0..v%d on %d skills: mean forgetting %s, "
        + "backward transfer %s, forward transfer %s (--json: the whole matrix)%n", m.versions().size() - 1,
        m.skills().columns().size(), metric(m.skills().metrics().meanForgetting()),
        metric(m.skills().metrics().backwardTransfer()), metric(m.skills().metrics().forwardTransfer())));
    if (st.model().isEmpty() && st.topicsProblem() == null) {
      out.println("  model            none yet");
    }
  }

  private static String metric(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static Map<String, Double> accuracy(EvalResult e) {
    Map<String, Double> m = new TreeMap<>();
    e.getAccuracy().forEach((k, v) -> m.put(k.toString(), v));
    return m;
  }

  private static ObjectNode toJson(RunStatus st) {
    ObjectNode n = StatusJsonOption.JSON.createObjectNode();
    n.put("runId", st.runId());
    st.selectorUrl().ifPresent(u -> n.put("selectorUrl", u.toString()));
    n.put("selectorProblem", st.selectorProblem());
    st.step().ifPresent(v -> n.set("step", StatusJsonOption.JSON.valueToTree(v)));
    st.pool().ifPresent(p -> n.set("pool", StatusJsonOption.JSON.valueToTree(p)));
    n.put("clustersStep", st.clustersStep());
    var clusters = n.putArray("clusters");
    for (ClusterView c : st.clusters()) {
      clusters.addObject().put("cluster", c.cluster()).put("size", c.size()).put("scorer", c.scorer())
          .put("selected", c.selected()).put("pruned", c.pruned());
    }
    n.put("modelProblem", st.topicsProblem());
    st.model().ifPresent(m -> n.set("model", model(m)));
    st.evaluation().ifPresent(e -> {
      ObjectNode ev = n.putObject("evaluation");
      ev.put("version", e.getVersion());
      ev.put("avgAccuracy", e.getAvgAccuracy());
      ev.put("testSamples", e.getTestSamples());
      ev.set("accuracy", StatusJsonOption.JSON.valueToTree(accuracy(e)));
    });
    st.matrix().ifPresent(m -> n.set("matrix", StatusJsonOption.JSON.valueToTree(m)));
    return n;
  }

  private static ObjectNode model(ModelVersion m) {
    ObjectNode n = StatusJsonOption.JSON.createObjectNode();
    n.put("model", m.getModel());
    n.put("version", m.getVersion());
    n.put("release", m.getRelease() == null ? null : m.getRelease().toString());
    n.put("trainedSamples", m.getTrainedSamples());
    n.put("sha256", m.getSha256());
    return n;
  }
}
