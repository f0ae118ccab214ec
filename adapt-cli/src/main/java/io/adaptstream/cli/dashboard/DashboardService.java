package io.adaptstream.cli.dashboard;

import io.adaptstream.cli.local.LocalContext;
import io.adaptstream.cli.local.LocalService;
import io.adaptstream.cli.local.LocalState;
import io.adaptstream.schemas.TopicCatalogue;
import java.util.Map;

/**
 * The dashboard inside {@code adapt local up}: started after the pipeline (so the selector's query address is
 * known), it follows run {@code default} and advertises its page in {@code local.json}, where {@code adapt local up}
 * prints it.
 */
public final class DashboardService implements LocalService {

  private final String modelName;
  private final Dashboard.Settings settings;

  public DashboardService(String modelName, Dashboard.Settings settings) {
    this.modelName = modelName;
    this.settings = settings;
  }

  @Override
  public String name() {
    return "dashboard";
  }

  @Override
  public AutoCloseable start(LocalContext context) throws Exception {
    Dashboard d = Dashboard.start(context.deployment(), TopicCatalogue.DEFAULT_RUN, modelName,
        () -> context.deployment().selectorUrl(), settings);
    return new Handle(d);
  }

  private record Handle(Dashboard dashboard) implements AutoCloseable, Advertised {
    @Override
    public Map<String, String> urls() {
      return Map.of(LocalState.DASHBOARD, dashboard.uri().toString());
    }

    @Override
    public void close() {
      dashboard.close();
    }
  }
}
