package io.adaptstream.cli.local;

import io.adaptstream.cli.serve.RunnableService;
import io.adaptstream.cli.serve.ServiceLauncher;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Something local mode runs inside its own process once the broker and registry are ready, and stops (in
 * reverse order) before the broker. This is how the pipeline services join local mode, so one
 * {@code adapt local up} is the whole system.
 */
public interface LocalService {

  /** For messages. */
  String name();

  /**
   * Starts the service and returns what stops it; must return once the service runs (not block for its life). A
   * handle that is also {@link Advertised} has its addresses written to {@code local.json}.
   */
  AutoCloseable start(LocalContext context) throws Exception;

  /** A started service that others reach at an address (e.g. the selector's interactive queries). */
  interface Advertised {
    /** Addresses by name, as {@code local.json} keeps them in {@code serviceUrls}. */
    Map<String, String> urls();
  }

  /**
   * A service of the {@link ServiceLauncher} as a local service: built from {@code settings(context)} and run on
   * its own thread until local mode stops.
   */
  static LocalService fromLauncher(ServiceLauncher launcher, String name,
      Function<LocalContext, Map<String, String>> settings) {
    return new LocalService() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public AutoCloseable start(LocalContext context) throws Exception {
        return ThreadedService.start(name, launcher.create(name, settings.apply(context)));
      }
    };
  }

  /** A {@link RunnableService} on a thread of its own; closing it stops the service and waits for the thread. */
  final class ThreadedService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadedService.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final RunnableService service;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private ThreadedService(RunnableService service) {
      this.service = service;
    }

    /** Runs {@code service} on a new thread named after it. */
    public static ThreadedService start(String name, RunnableService service) {
      ThreadedService s = new ThreadedService(service);
      Thread t = new Thread(() -> {
        try {
          service.run();
        } catch (Throwable e) {
          s.failure.set(e);
          LOG.error("local service {} failed", name, e);
        } finally {
          s.finished.countDown();
        }
      }, "local-" + name);
      t.start();
      return s;
    }

    /** The error the service ended with, if it failed. */
    public Throwable failure() {
      return failure.get();
    }

    public boolean isRunning() {
      return finished.getCount() > 0;
    }

    @Override
    public void close() {
      service.close();
      try {
        if (!finished.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("service did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the service to stop", e);
      }
    }
  }
}
