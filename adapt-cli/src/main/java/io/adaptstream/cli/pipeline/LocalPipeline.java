package io.adaptstream.cli.pipeline;

import io.adaptstream.cli.local.LocalContext;
import io.adaptstream.cli.local.LocalService;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.trainer.TrainerListener;
import java.util.List;
import java.util.Map;

/**
 * The four services of one run inside {@code adapt local up}, started once the broker is ready, so that every
 * release published to local mode (with {@code adapt publish}, or dropped into {@code DIR/inbox}) triggers the next
 * step on its own. The selector's query address goes to {@code local.json} for {@code adapt status}.
 */
public final class LocalPipeline implements LocalService {

  /** Every service, in start order: the step services, then the drop-folder publisher. */
  static final List<String> SERVICES = List.of(ServiceLauncher.SELECTOR, ServiceLauncher.SCORING,
      ServiceLauncher.TRAINER, ServiceLauncher.INGEST);

  private final ServiceLauncher launcher;
  private final PipelineSettings settings;

  public LocalPipeline(ServiceLauncher launcher, PipelineSettings settings) {
    this.launcher = launcher;
    this.settings = settings;
  }

  @Override
  public String name() {
    return "pipeline of run " + settings.runId();
  }

  public PipelineSettings settings() {
    return settings;
  }

  @Override
  public AutoCloseable start(LocalContext context) throws Exception {
    Pipeline pipeline = Pipeline.start(launcher, context.cluster(), settings, context.layout().dir(), SERVICES,
        TrainerListener.NONE);
    return new Handle(pipeline);
  }

  private record Handle(Pipeline pipeline) implements AutoCloseable, Advertised {
    @Override
    public Map<String, String> urls() {
      return pipeline.selectorUrl().map(u -> Map.of(io.adaptstream.cli.local.LocalState.SELECTOR, u.toString()))
          .orElse(Map.of());
    }

    @Override
    public void close() {
      pipeline.close();
    }
  }
}
