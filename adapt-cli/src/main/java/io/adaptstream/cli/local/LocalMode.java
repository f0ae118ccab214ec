package io.adaptstream.cli.local;

import io.adaptstream.cli.run.Deployment;
import io.adaptstream.localregistry.LocalSchemaRegistry;
import io.adaptstream.runtime.TopicAdmin;
import io.adaptstream.schemas.TopicCatalogue;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode: the whole system on one machine without Docker. A real Kafka broker (KRaft, one node, in a
 * child JVM), the schema registry (in this process) and the blob store (a directory), all on 127.0.0.1 and
 * all kept in one data directory (see {@link LocalLayout}).
 *
 * <p>One data directory has at most one running instance (its {@link LocalLock}); a second {@code up}
 * attaches to it instead of failing, and a crashed instance's leftovers are cleaned up by the next
 * {@code up} or by {@code down}.
 */
public final class LocalMode {

  private static final Logger LOG = LoggerFactory.getLogger(LocalMode.class);

  /** How long the broker may take to answer after its JVM starts. */
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  /** How many sets of ports a directory's first start tries when others take them meanwhile. */
  static final int PORT_ATTEMPTS = 5;
  /** How long an attaching or detaching command waits for another instance to become ready. */
  public static final Duration WAIT_FOR_OTHER = Duration.ofSeconds(150);
  /** How long {@code down} gives the owner to stop its services and broker before killing it. */
  static final Duration OWNER_STOP_GRACE = LocalInstance.BROKER_STOP_GRACE.plusSeconds(30);

  private final LocalLayout layout;
  private final List<LocalService> services;
  private final String brokerHeap;
  private final PrintWriter out;
  private final List<String> childOptions;

  public LocalMode(LocalLayout layout, List<LocalService> services, String brokerHeap, PrintWriter out) {
    this(layout, services, brokerHeap, out, List.of());
  }

  /**
   * @param childOptions more {@code local up} options for the background process {@link #detach()} starts (what
   *     its services should be)
   */
  public LocalMode(LocalLayout layout, List<LocalService> services, String brokerHeap, PrintWriter out,
      List<String> childOptions) {
    this.layout = layout;
    this.services = List.copyOf(services);
    this.brokerHeap = brokerHeap;
    this.out = out;
    this.childOptions = List.copyOf(childOptions);
  }

  public static String defaultBrokerHeap() {
    return LocalBroker.DEFAULT_HEAP;
  }

  /** What {@link #start()} found. */
  public sealed interface Outcome permits Started, Detached, AlreadyRunning {}

  /** This process started local mode and owns it. */
  public record Started(LocalInstance instance, LocalState state, Duration startup, boolean firstStart)
      implements Outcome {}

  /** A background process started local mode and owns it. */
  public record Detached(LocalState state, Duration startup) implements Outcome {}

  /** Another process runs local mode on this directory. */
  public record AlreadyRunning(LocalState state) implements Outcome {}

  /**
   * Starts local mode in this process, or finds the instance that already runs on the directory. A stale
   * instance (owner dead) is cleaned up first. On return the broker answers, the catalogue's topics exist,
   * the local services run and {@code local.json} is written; a JVM shutdown hook stops it all.
   */
  public Outcome start() throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(layout.dir());
    Optional<LocalLock> lock = LocalLock.tryAcquire(layout.lockFile());
    for (int attempt = 0; lock.isEmpty(); attempt++) {
      Optional<LocalState> other = awaitOther(layout, WAIT_FOR_OTHER);
      if (other.isPresent()) {
        return new AlreadyRunning(other.get());
      }
      if (attempt == 2) {
        throw new IllegalStateException("another `adapt local up` on " + layout.dir()
            + " keeps stopping before it is ready; see " + layout.brokerLog());
      }
      lock = LocalLock.tryAcquire(layout.lockFile()); // the holder went away: our turn
    }
    Optional<LocalState> previous = LocalState.read(layout);
    if (previous.isPresent() && isRunning(previous.get())) {
      // its owner lost the lock file (someone deleted it) but runs on: do not start a second broker
      lock.get().close();
      return new AlreadyRunning(previous.get());
    }
    cleanUpLeftovers(layout, previous, out);

    LocalInstance instance = new LocalInstance(layout, lock.get(), out);
    Thread hook = new Thread(instance::stop, "adapt-local-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      boolean fresh = LocalSettings.load(layout).isEmpty();
      LocalSettings settings;
      boolean first;
      for (int attempt = 1; ; attempt++) {
        settings = LocalSettings.loadOrCreate(layout);
        try {
          first = startBrokerAndRegistry(settings, instance, t0);
          break;
        } catch (PortConflictException e) {
          if (!fresh || attempt == PORT_ATTEMPTS) {
            throw e;
          }
          // a directory starting for the first time has nothing on its ports yet: choose others
          out.println("a port chosen for " + layout.dir() + " was taken meanwhile (" + e.getMessage().lines()
              .findFirst().orElse("") + "); choosing other ports");
          instance.discardBrokerAndRegistry();
          forgetPorts();
        }
      }
      instance.watchBroker();
      LocalContext context = new LocalContext(layout,
          Deployment.local(settings.bootstrapServers(), settings.registryUrl(), layout.blobs()));
      Map<String, String> urls = new LinkedHashMap<>();
      for (LocalService s : services) {
        AutoCloseable handle = s.start(context);
        instance.service(s.name(), handle);
        if (handle instanceof LocalService.Advertised a) {
          urls.putAll(a.urls());
          // the services started after this one (the dashboard) find the selector's query server in the context
          String selector = a.urls().get(LocalState.SELECTOR);
          if (selector != null) {
            context = new LocalContext(layout, context.deployment().withSelectorUrl(URI.create(selector)));
          }
        }
      }
      LocalState state = new LocalState(ProcessHandle.current().pid(), instance.brokerPid(),
          settings.bootstrapServers(), settings.registryUrl(), layout.blobs().toString(), layout.dir().toString(),
          Instant.now().toString(), urls);
      state.write(layout);
      instance.announceStop();
      return new Started(instance, state, Duration.ofNanos(System.nanoTime() - t0), first);
    } catch (Exception | Error e) {
      instance.stop();
      removeHook(hook);
      throw e;
    }
  }

  /**
   * Starts local mode as a background process ({@code local up} in a new session, output appended to
   * {@code DIR/local.log}) and waits until it is ready. If an instance already runs, returns it instead.
   */
  public Outcome detach() throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(layout.dir());
    Optional<LocalState> running = LocalState.read(layout).filter(LocalMode::isRunning);
    if (running.isPresent()) {
      return new AlreadyRunning(running.get());
    }
    LocalBroker.rotate(layout.ownerLog());
    List<String> cmd = new ArrayList<>(JavaCommand.newSession());
    cmd.add(JavaCommand.javaExecutable());
    cmd.addAll(JavaCommand.jvmOptions());
    cmd.addAll(List.of("-cp", JavaCommand.classPath(), LocalProcesses.OWNER_MAIN,
        "local", "up", "--data-dir", layout.dir().toString(), "--broker-heap", brokerHeap, "--detached-child"));
    cmd.addAll(childOptions);
    Process child;
    try {
      child = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.ownerLog().toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the background process: " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + WAIT_FOR_OTHER.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<LocalState> state = LocalState.read(layout).filter(LocalMode::isRunning);
      if (state.isPresent()) {
        boolean ours = state.get().ownerPid() == child.pid();
        return ours ? new Detached(state.get(), Duration.ofNanos(System.nanoTime() - t0))
            : new AlreadyRunning(state.get());
      }
      if (!child.isAlive() && child.exitValue() != 0) {
        throw new IllegalStateException("local mode failed to start in the background (rc " + child.exitValue()
            + ")" + LocalBroker.logTail(layout.ownerLog(), 30));
      }
      // a poll, not a retry: nothing failed, the child is starting, and each round also checks that it lives
      Thread.sleep(200);
    }
    LocalProcesses.terminate(child.toHandle(), LocalInstance.BROKER_STOP_GRACE);
    throw new IllegalStateException("local mode did not become ready within " + WAIT_FOR_OTHER.toSeconds() + " s"
        + LocalBroker.logTail(layout.ownerLog(), 30));
  }

  /** The running instance's state if the owner is alive and its broker answers. */
  public static Optional<LocalState> running(LocalLayout layout) {
    return LocalState.read(layout).filter(LocalMode::isRunning);
  }

  static boolean isRunning(LocalState s) {
    return LocalProcesses.alive(s.ownerPid()).filter(LocalProcesses::isOwner).isPresent()
        && LocalProbe.answers(s.bootstrapServers());
  }

  /** Waits until the instance that holds the lock is ready; empty if the lock is released first. */
  private static Optional<LocalState> awaitOther(LocalLayout layout, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<LocalState> s = running(layout);
      if (s.isPresent()) {
        return s;
      }
      if (!LocalLock.isHeld(layout.lockFile())) {
        return Optional.empty();
      }
      // a poll, not a retry: the other instance is starting; each round also checks that it still holds the lock
      Thread.sleep(250);
    }
    throw new IllegalStateException("another `adapt local up` holds " + layout.lockFile() + " but did not become "
        + "ready within " + timeout.toSeconds() + " s");
  }

  /** Stops a broker a dead owner left behind (only ones whose command line is this directory's broker). */
  private static void cleanUpLeftovers(LocalLayout layout, Optional<LocalState> previous, PrintWriter out) {
    previous.ifPresent(s -> out.println("found a stale " + layout.state().getFileName() + " (owner pid "
        + s.ownerPid() + " is gone); cleaning up"));
    for (ProcessHandle b : leftoverBrokers(layout, previous)) {
      out.println("stopping a leftover broker (pid " + b.pid() + ") of an earlier run");
      if (!LocalProcesses.terminate(b, LocalInstance.BROKER_STOP_GRACE)) {
        throw new IllegalStateException("cannot stop the leftover broker pid " + b.pid());
      }
    }
    LocalState.delete(layout);
  }

  /** Live brokers of this directory: the one named in local.json (if it really is ours) and any other found. */
  static List<ProcessHandle> leftoverBrokers(LocalLayout layout, Optional<LocalState> state) {
    Set<ProcessHandle> found = new LinkedHashSet<>();
    state.flatMap(s -> LocalProcesses.alive(s.brokerPid()))
        .filter(p -> LocalProcesses.isBroker(p, layout))
        .ifPresent(found::add);
    found.addAll(LocalProcesses.brokersOf(layout));
    return List.copyOf(found);
  }

  /**
   * Formats the storage if new, starts the registry and the broker on {@code settings}' ports and waits until the
   * broker answers and the catalogue's topics exist; returns whether the storage was formatted now.
   *
   * @throws PortConflictException when a port is taken by another program
   */
  private boolean startBrokerAndRegistry(LocalSettings settings, LocalInstance instance, long t0)
      throws IOException, InterruptedException {
    checkPortsFree(settings);
    boolean first = LocalBroker.format(layout, settings);
    long formatted = System.nanoTime();
    Files.createDirectories(layout.blobs());
    instance.registry(startRegistry(settings));
    LocalBroker broker = LocalBroker.start(layout, brokerHeap);
    instance.broker(broker);
    try (LocalProbe probe = new LocalProbe(settings.bootstrapServers())) {
      try {
        broker.awaitReady(probe, READY_TIMEOUT, settings.clusterId(), settings.brokerPort());
      } catch (PortConflictException e) {
        throw e;
      } catch (IllegalStateException e) {
        // our broker is gone: if another program listens on one of its ports, that is why it died
        if (!broker.isAlive() && !(LocalSettings.isFree(settings.brokerPort())
            && LocalSettings.isFree(settings.controllerPort()))) {
          throw new PortConflictException(e.getMessage(), e);
        }
        throw e;
      }
      long ready = System.nanoTime();
      List<String> created = TopicAdmin.ensure(probe.admin(), TopicCatalogue.defaults());
      LOG.info("storage checked/formatted in {} ms, broker answered after {} ms, {} topics created in {} ms",
          (formatted - t0) / 1_000_000, (ready - formatted) / 1_000_000, created.size(),
          (System.nanoTime() - ready) / 1_000_000);
    }
    return first;
  }

  /** Removes what a first start wrote for its ports (settings, formatted storage, registry file): nothing else. */
  private void forgetPorts() {
    try {
      Files.deleteIfExists(layout.settings());
      Files.deleteIfExists(layout.serverProperties());
      Files.deleteIfExists(layout.registryState());
      // Kafka's own recursive delete (the JDK has none)
      Utils.delete(layout.kafkaDir().toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the first start's storage in " + layout.dir(), e);
    }
  }

  private void checkPortsFree(LocalSettings s) {
    checkPortFree("broker", s.brokerPort());
    checkPortFree("controller", s.controllerPort());
    checkPortFree("schema registry", s.registryPort());
  }

  private void checkPortFree(String what, int port) {
    if (!LocalSettings.isFree(port)) {
      throw new PortConflictException("the " + what + " port " + port + " (kept in " + layout.settings()
          + ") is in use by another program; stop it, or delete " + layout.dir() + " to start over on new ports");
    }
  }

  private LocalSchemaRegistry startRegistry(LocalSettings settings) throws IOException {
    try {
      return LocalSchemaRegistry.start(settings.registryPort(), layout.registryState());
    } catch (BindException e) {
      throw new PortConflictException("the schema registry port " + settings.registryPort() + " is in use", e);
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs and finds everything stopped
    }
  }

  /**
   * The result of {@link #down}.
   *
   * @param busy nothing was stopped because an {@code up} is starting or stopping on the directory
   */
  public record Down(boolean wasRunning, List<Long> stoppedPids, boolean busy) {}

  /**
   * Stops whatever runs on the directory: SIGTERM to the owner (which stops services and broker), then any
   * broker left behind; verifies that no process is left and removes {@code local.json}.
   */
  public static Down down(LocalLayout layout, PrintWriter out) {
    Optional<LocalState> state = LocalState.read(layout);
    List<Long> stopped = new ArrayList<>();
    Optional<ProcessHandle> owner = state.flatMap(s -> LocalProcesses.alive(s.ownerPid()))
        .filter(LocalProcesses::isOwner)
        .filter(p -> p.pid() != ProcessHandle.current().pid());
    if (owner.isPresent()) {
      out.println("stopping local mode (pid " + owner.get().pid() + ") in " + layout.dir() + " ...");
      out.flush();
      if (!LocalProcesses.terminate(owner.get(), OWNER_STOP_GRACE)) {
        throw new IllegalStateException("cannot stop pid " + owner.get().pid());
      }
      stopped.add(owner.get().pid());
    }
    for (ProcessHandle b : leftoverBrokers(layout, state)) {
      out.println("stopping the broker (pid " + b.pid() + ") ...");
      out.flush();
      if (!LocalProcesses.terminate(b, LocalInstance.BROKER_STOP_GRACE)) {
        throw new IllegalStateException("cannot stop the broker pid " + b.pid());
      }
      stopped.add(b.pid());
    }
    List<ProcessHandle> left = leftoverBrokers(layout, state);
    if (!left.isEmpty()) {
      throw new IllegalStateException("broker process(es) still running: "
          + left.stream().map(ProcessHandle::pid).toList());
    }
    boolean wasRunning = owner.isPresent() || !stopped.isEmpty() || state.isPresent();
    boolean busy = !wasRunning && Files.exists(layout.lockFile()) && LocalLock.isHeld(layout.lockFile());
    LocalState.delete(layout);
    return new Down(wasRunning, List.copyOf(stopped), busy);
  }

  /** What {@code status} reports. */
  /**
   * @param busy an {@code up} holds the directory's lock but is not running (yet): it is starting or stopping
   */
  public record Status(LocalLayout layout, Optional<LocalState> state, boolean ownerAlive, boolean brokerAnswers,
      int topics, List<Long> leftoverBrokerPids, boolean busy) {

    public boolean running() {
      return state.isPresent() && ownerAlive && brokerAnswers;
    }

    /** Seconds since the instance became ready, or -1. */
    public long uptimeSeconds() {
      return state.map(s -> Duration.between(s.started(), Instant.now()).toSeconds()).orElse(-1L);
    }
  }

  public static Status status(LocalLayout layout) {
    Optional<LocalState> state = LocalState.read(layout);
    boolean ownerAlive = state.flatMap(s -> LocalProcesses.alive(s.ownerPid()))
        .filter(LocalProcesses::isOwner).isPresent();
    boolean answers = false;
    int topics = -1;
    if (state.isPresent()) {
      try (LocalProbe probe = new LocalProbe(state.get().bootstrapServers())) {
        answers = probe.answers();
        topics = answers ? probe.topicCount() : -1;
      }
    }
    List<Long> leftovers = ownerAlive ? List.of()
        : leftoverBrokers(layout, state).stream().map(ProcessHandle::pid).toList();
    boolean busy = !(ownerAlive && answers) && Files.exists(layout.lockFile()) && LocalLock.isHeld(layout.lockFile());
    return new Status(layout, state, ownerAlive, answers, topics, leftovers, busy);
  }
}
