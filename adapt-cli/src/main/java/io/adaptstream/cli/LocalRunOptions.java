package io.adaptstream.cli;

import io.adaptstream.cli.run.PipelineSettings;
import io.adaptstream.cli.run.demo.Protocol;
import io.adaptstream.schemas.TopicCatalogue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What the run inside {@code adapt local up} is: whether its pipeline services run at all, and the method, seed,
 * mode and settings they run with. Apart from the broker's options because {@code --detach} hands exactly these on
 * to the background process ({@link #childOptions()}), and they become that run's {@link PipelineSettings}.
 */
public final class LocalRunOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--no-services",
      description = "Run only the broker, the schema registry and the blob store, not the pipeline services.")
  boolean noServices;

  @Mixin
  MethodOption policy = new MethodOption();

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
      description = "Experiment seed of the local run (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin
  FastOption speed = new FastOption();

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "A service setting of the local run, e.g. --set selector.budget=200 --set trainer.steps=100 "
          + "(keys of scoring.*, selector.*, trainer.*, ingest.*; repeatable). Without it the run trains under the "
          + "FULL equal-compute protocol of 'adapt demo' and 'adapt experiment' (trainer.steps, "
          + "trainer.pretrain.steps, selector.budget, selector.pool.cap, batch sizes).")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** Whether local mode runs the pipeline services. */
  boolean services() {
    return !noServices;
  }

  /** The settings of run 'default'; a usage error for a bad method or setting. */
  PipelineSettings settings() {
    try {
      // the FULL equal-compute protocol, as adapt demo and adapt experiment train by default; --set wins
      Map<String, String> all = new LinkedHashMap<>(Protocol.continuous().overrides());
      all.putAll(overrides);
      return new PipelineSettings(TopicCatalogue.DEFAULT_RUN, policy.method(), seed, !speed.fast(), all);
    } catch (IllegalArgumentException | ConfigException e) {
      throw new ParameterException(mixee.commandLine(), e.getMessage());
    }
  }

  /** The same options for the background process of --detach. */
  List<String> childOptions() {
    List<String> o = new ArrayList<>();
    if (noServices) {
      o.add("--no-services");
    }
    o.addAll(List.of("--method", policy.method(), "--seed", Long.toString(seed)));
    if (speed.fast()) {
      o.add("--fast");
    }
    overrides.forEach((k, v) -> o.addAll(List.of("--set", k + "=" + v)));
    return o;
  }
}
