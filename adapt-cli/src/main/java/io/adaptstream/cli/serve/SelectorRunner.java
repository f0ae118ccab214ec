package io.adaptstream.cli.serve;

import io.adaptstream.selector.SelectorService;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The selector as a runnable service. {@link SelectorService#start()} returns at once (Kafka Streams runs its own
 * threads), so {@link #run()} starts it and then holds the calling thread until {@link #close()}, watching the
 * application: a selector whose stream threads failed ends {@code run()} with an error instead of idling on.
 */
public final class SelectorRunner implements RunnableService {

  private static final long WATCH_MS = 500;

  private final SelectorService service;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final CompletableFuture<Optional<URI>> address = new CompletableFuture<>();

  public SelectorRunner(SelectorService service) {
    this.service = service;
  }

  @Override
  public void run() throws InterruptedException {
    if (closed.getCount() == 0) {
      address.complete(Optional.empty());
      return;
    }
    try {
      service.start();
      address.complete(service.httpAddress());
      while (!closed.await(WATCH_MS, TimeUnit.MILLISECONDS)) {
        KafkaStreams.State state = service.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
            || state == KafkaStreams.State.NOT_RUNNING) {
          throw new IllegalStateException("the selector's stream threads stopped (state " + state
              + "); restart it with the same state directory to resume from its last commit");
        }
      }
    } catch (RuntimeException e) {
      address.completeExceptionally(e);
      throw e;
    } finally {
      service.close();
    }
  }

  /** Where the selector's query server answers, once it runs; empty when it is turned off. */
  public Optional<URI> awaitAddress(Duration timeout) throws InterruptedException, TimeoutException {
    try {
      return address.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the selector failed to start: " + e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public void close() {
    closed.countDown();
  }
}
