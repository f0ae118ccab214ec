package io.adaptstream.cli.local;

import io.adaptstream.localregistry.LocalSchemaRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running local mode owned by this process: the lock, the registry, the broker child and the local
 * services. {@link #stop()} tears them down in reverse order of start, whoever calls it first (the shutdown
 * hook on Ctrl-C/SIGTERM, or the watcher that sees the broker die); later calls do nothing.
 */
public final class LocalInstance {

  private static final Logger LOG = LoggerFactory.getLogger(LocalInstance.class);
  static final Duration BROKER_STOP_GRACE = Duration.ofSeconds(60);

  private final LocalLayout layout;
  private final PrintWriter out;
  private final LocalLock lock;
  private final Deque<Named> services = new ArrayDeque<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private LocalSchemaRegistry registry;
  private LocalBroker broker;
  private volatile boolean stopping;
  private volatile boolean announced;
  private volatile int exitCode;

  private record Named(String name, AutoCloseable handle) {}

  LocalInstance(LocalLayout layout, LocalLock lock, PrintWriter out) {
    this.layout = layout;
    this.lock = lock;
    this.out = out;
  }

  synchronized void registry(LocalSchemaRegistry registry) {
    this.registry = registry;
  }

  synchronized void broker(LocalBroker broker) {
    this.broker = broker;
  }

  /**
   * From now on the broker's exit stops the instance. Called once the broker answers: during startup a broker that
   * dies is the start's failure (and, when it lost its port, a reason to try other ports), not a crash.
   */
  synchronized void watchBroker() {
    LocalBroker watched = broker;
    watched.onExit().thenRun(() -> {
      if (!stopping) {
        exitCode = 1;
        out.println("adapt: the broker exited unexpectedly (rc " + watched.onExit().join().exitValue()
            + "); see " + layout.brokerLog());
        stop();
      }
    });
  }

  synchronized void service(String name, AutoCloseable handle) {
    services.push(new Named(name, handle));
  }

  /**
   * Adds something that must stop before the broker (a job's services started after local mode): stopping the
   * instance, by {@code down}, Ctrl-C or the broker dying, closes it first.
   */
  public void attach(String name, AutoCloseable handle) {
    synchronized (this) {
      if (!stopping) {
        service(name, handle);
        return;
      }
    }
    try {
      handle.close();
    } catch (Exception e) {
      LOG.warn("{} did not stop cleanly", name, e);
    }
  }

  /** Stops the broker and the registry of a start that lost a port, so that it can start them on others. */
  synchronized void discardBrokerAndRegistry() {
    if (broker != null && broker.isAlive()) {
      broker.stop(BROKER_STOP_GRACE);
    }
    broker = null;
    if (registry != null) {
      registry.close();
      registry = null;
    }
  }

  /** From now on, stopping prints what it does (not while a failed start is being rolled back). */
  void announceStop() {
    announced = true;
  }

  long brokerPid() {
    return broker.pid();
  }

  /** Stops everything; idempotent. Data is kept. */
  public void stop() {
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
    }
    try {
      if (announced) {
        out.println("stopping local mode in " + layout.dir() + " ...");
      }
      while (true) {
        Named s;
        synchronized (this) {
          if (services.isEmpty()) {
            break;
          }
          s = services.pop();
        }
        try {
          s.handle().close();
        } catch (Exception e) {
          LOG.warn("local service {} did not stop cleanly", s.name(), e);
          out.println("adapt: service " + s.name() + " did not stop cleanly: " + e.getMessage());
        }
      }
      if (broker != null && broker.isAlive()) {
        int rc = broker.stop(BROKER_STOP_GRACE);
        LOG.info("broker exited with {}", rc);
      }
      if (registry != null) {
        registry.close();
      }
      LocalState.read(layout).filter(s -> s.ownerPid() == ProcessHandle.current().pid())
          .ifPresent(s -> LocalState.delete(layout));
      if (announced) {
        out.println("stopped (data kept in " + layout.dir() + ")");
      }
    } catch (RuntimeException e) {
      LOG.warn("error while stopping local mode", e);
      out.println("adapt: error while stopping local mode: " + e.getMessage());
      exitCode = 1;
    } finally {
      lock.close();
      out.flush();
      stopped.countDown();
    }
  }

  /** Blocks until the instance has stopped; returns 0, or 1 if it stopped because something failed. */
  public int awaitStop() throws InterruptedException {
    stopped.await();
    return exitCode;
  }
}
