package io.adaptstream.cli;

import io.adaptstream.cli.local.LocalService;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.blob.BlobStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code adapt} command. Each subcommand is one class; this one only wires them, holds what they share
 * (the services they can run) and turns failures into one clear line and an exit code.
 *
 * <p>Exit codes: {@value #EXIT_OK} ok, {@value #EXIT_FAILURE} failure, {@value #EXIT_USAGE} usage error,
 * {@value #EXIT_NOT_RUNNING} "not running" from {@code status} commands.
 */
@Command(name = "adapt", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Lifelong multimodal instruction tuning (Adapt-inf) as a Kafka pipeline.", ""},
    footer = {"", "Run 'adapt COMMAND --help' for a command's options."},
    subcommands = {DemoCommand.class, ExperimentCommand.class, LocalCommand.class, PublishCommand.class,
        StatusCommand.class, DashboardCommand.class, ExplainCommand.class, ReplayCommand.class,
        BenchDataCommand.class, BigDataCommand.class, SweepCommand.class,
        ServeCommand.class, HelpCommand.class})
public final class AdaptCli {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_NOT_RUNNING = 3;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print the stack trace of an error, not just its message.")
  boolean verbose;

  private final ServiceLauncher services;
  private final List<LocalService> localServices;
  private Function<Path, BlobStore> blobStores = root -> BlobStore.at(root.toString());

  /** The command with the default services; {@code local up} runs the pipeline its options describe. */
  public AdaptCli() {
    this.services = ServiceLauncher.defaults();
    this.localServices = null;
  }

  /**
   * @param services what {@code adapt serve}, the demo and local mode run
   * @param localServices exactly what {@code adapt local up} starts inside its own process once the broker is
   *     ready, whatever its options say (for tests and embedding)
   */
  public AdaptCli(ServiceLauncher services, List<LocalService> localServices) {
    this.services = services;
    this.localServices = List.copyOf(localServices);
  }

  public ServiceLauncher services() {
    return services;
  }

  /** The services {@code local up} must start, when fixed by the constructor; empty: what its options say. */
  public Optional<List<LocalService>> localServices() {
    return Optional.ofNullable(localServices);
  }

  /**
   * Makes the commands open blob store directories with {@code opener} (for tests: a real store on a disk that
   * fills, say) instead of {@link BlobStore#at}.
   */
  AdaptCli withBlobStores(Function<Path, BlobStore> opener) {
    this.blobStores = opener;
    return this;
  }

  /** The blob store at {@code root}, as the commands open it. */
  BlobStore blobStore(Path root) {
    return blobStores.apply(root);
  }

  /** A configured command line: the exception handlers below, exit codes, no stack traces by default. */
  public static CommandLine commandLine(AdaptCli app) {
    CommandLine cmd = new CommandLine(app);
    cmd.setParameterExceptionHandler(USAGE_ERROR);
    cmd.setExecutionExceptionHandler(FAILURE);
    return cmd;
  }

  /** Runs the command with the given arguments and returns its exit code. */
  public static int run(String... args) {
    return commandLine(new AdaptCli()).execute(args);
  }

  public static void main(String[] args) {
    // a command line prints its own messages; libraries speak only when something is wrong. Kafka clients log
    // every failed connection attempt at WARN, and local mode polls a starting broker on purpose.
    defaultProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    defaultProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    // DJL probes for a GPU on every engine start and warns on CPU-only machines
    defaultProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda", "error");
    System.exit(run(args));
  }

  private static void defaultProperty(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  private static final IParameterExceptionHandler USAGE_ERROR = (ex, args) -> {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("adapt: " + ex.getMessage());
    UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return EXIT_USAGE;
  };

  private static final IExecutionExceptionHandler FAILURE = (ex, cmd, parseResult) -> {
    if (ex instanceof ParameterException pe) {
      return USAGE_ERROR.handleParseException(pe, parseResult.originalArgs().toArray(String[]::new));
    }
    PrintWriter err = cmd.getErr();
    err.println("adapt: " + describe(ex));
    if (verbose(parseResult)) {
      ex.printStackTrace(err);
    }
    err.flush();
    return EXIT_FAILURE;
  };

  /** The message of an error, with its cause's where that adds something. */
  static String describe(Throwable e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && !msg.contains(cause.getMessage())) {
      msg += ": " + cause.getMessage();
    }
    return msg;
  }

  private static boolean verbose(ParseResult result) {
    for (ParseResult r = result; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
