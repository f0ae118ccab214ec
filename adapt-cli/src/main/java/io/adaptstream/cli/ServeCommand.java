package io.adaptstream.cli;

import io.adaptstream.cli.serve.RunnableService;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.runtime.metrics.MetricsEndpoint;
import io.adaptstream.runtime.metrics.MetricsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adapt serve SERVICE --config FILE}: runs one pipeline service in the foreground, as in a container. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Run one pipeline service until SIGTERM, configured by a properties file.",
        "Used by the containers of compose/. Unknown keys in the file are errors; keys starting with 'kafka.' go "
            + "to the service's Kafka clients. The service's metrics are served at http://ADDRESS:PORT/metrics "
            + "(metrics.bind.address, default 127.0.0.1; metrics.port, default 0: a free port, printed at start; "
            + "-1: off).", ""})
final class ServeCommand implements Callable<Integer> {

  /** How long a service may take to finish after SIGTERM before the JVM exits anyway. */
  private static final long STOP_TIMEOUT_S = 60;

  @ParentCommand
  AdaptCli root;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SERVICE", completionCandidates = KnownServices.class,
      description = "The service: ${COMPLETION-CANDIDATES}.")
  String service;

  @Option(names = "--config", paramLabel = "FILE", required = true,
      description = "The service's properties file.")
  Path config;

  /** The default services' names, for help texts. */
  static final class KnownServices implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return ServiceLauncher.defaults().names().iterator();
    }
  }

  @Override
  public Integer call() throws Exception {
    ServiceLauncher launcher = root.services();
    if (launcher.find(service).isEmpty()) {
      throw new ParameterException(spec.commandLine(), "unknown service '" + service + "'; known services: "
          + String.join(", ", launcher.names()));
    }
    if (!Files.isRegularFile(config)) {
      throw new ParameterException(spec.commandLine(), "config file " + config + " does not exist");
    }
    Map<String, String> settings = ServiceConfig.load(config);
    MetricsSettings metrics = launcher.checked(service, settings).metrics();
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(metrics)) {
      endpoint.uri().ifPresent(u -> spec.commandLine().getOut().println("adapt serve " + service + ": metrics at "
          + u + " (Prometheus text format)"));
      spec.commandLine().getOut().flush();
      serve(launcher.create(service, settings, endpoint.registry()));
    }
    return AdaptCli.EXIT_OK;
  }

  /** Runs the service until it ends or SIGTERM closes it. */
  private void serve(RunnableService running) throws Exception {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        running.close();
        finished.await(STOP_TIMEOUT_S, TimeUnit.SECONDS);
      } catch (Exception e) {
        spec.commandLine().getErr().println("adapt: " + service + " did not stop cleanly: " + e.getMessage());
      }
    }, "adapt-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      running.run();
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
        running.close();
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook closes the service
      }
    }
  }
}
