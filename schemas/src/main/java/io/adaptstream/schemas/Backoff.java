package io.adaptstream.schemas;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * How the project waits and tries again after a failure that may pass (a registry restarting, a store moving in
 * a rebalance, a concurrent sealer): exponential backoff from {@code initial}, doubling up to
 * {@code maxInterval}, for at most {@code maxAttempts} attempts.
 *
 * <p>It is the one place that builds resilience4j {@link Retry} policies, so every service backs off, bounds
 * its waiting and reports each retry (at WARN unless it is routine, with the cause) the same way; no
 * hand-written sleep loops.
 */
public record Backoff(Duration initial, Duration maxInterval, int maxAttempts) {

  public static final double MULTIPLIER = 2.0;

  public Backoff {
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("backoff must be positive, got " + initial);
    }
    if (maxInterval.compareTo(initial) < 0) {
      throw new IllegalArgumentException("largest backoff " + maxInterval + " is below the first " + initial);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("at least one attempt, got " + maxAttempts);
    }
  }

  /**
   * The backoff that keeps trying for as long as the pauses between attempts add up to at most {@code maxWait}
   * (one attempt when {@code maxWait} is shorter than the first pause).
   */
  public static Backoff within(Duration initial, Duration maxInterval, Duration maxWait) {
    long budget = maxWait.toMillis();
    long waited = 0;
    int attempts = 1;
    for (long pause = initial.toMillis(); waited + pause <= budget; attempts++) {
      waited += pause;
      pause = Math.min(maxInterval.toMillis(), (long) (pause * MULTIPLIER));
    }
    return new Backoff(initial, maxInterval, attempts);
  }

  /** The sum of the pauses when every attempt fails: how long a caller waits at most, calls aside. */
  public Duration totalWait() {
    long waited = 0;
    long pause = initial.toMillis();
    for (int i = 1; i < maxAttempts; i++) {
      waited += pause;
      pause = Math.min(maxInterval.toMillis(), (long) (pause * MULTIPLIER));
    }
    return Duration.ofMillis(waited);
  }

  /**
   * A retry named {@code name} that tries again on the exceptions {@code retryOn} accepts, and logs each retry
   * on {@code log} at WARN with its cause. Others, and the last failure, are thrown as they are.
   */
  public Retry retry(String name, Predicate<Throwable> retryOn, Logger log) {
    return retry(name, retryOn, log, Level.WARN);
  }

  /**
   * {@link #retry(String, Predicate, Logger)} logging at {@code level}: for retries that are part of normal
   * operation (metadata that follows a topic's creation, stores that move in a rebalance), where a WARN would
   * cry wolf.
   */
  public Retry retry(String name, Predicate<Throwable> retryOn, Logger log, Level level) {
    Retry retry = Retry.of(name, RetryConfig.custom()
        .maxAttempts(maxAttempts)
        .intervalFunction(IntervalFunction.ofExponentialBackoff(initial, MULTIPLIER, maxInterval))
        .retryOnException(retryOn)
        .build());
    retry.getEventPublisher().onRetry(e -> log.atLevel(level).log("{}: attempt {} of {} failed ({}); retrying in {} ms", name,
        e.getNumberOfRetryAttempts(), maxAttempts, e.getLastThrowable(), e.getWaitInterval().toMillis()));
    return retry;
  }

  /** Runs {@code call} under {@link #retry}. */
  public <T> T call(String name, Predicate<Throwable> retryOn, Logger log, Supplier<T> call) {
    return retry(name, retryOn, log).executeSupplier(call);
  }
}
