package io.adaptstream.model;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The JVM-wide lock every backward pass of this module holds.
 *
 * <p>DJL allows one gradient collector per JVM at a time (a static flag; a second one throws), and in local
 * mode the scoring workers and the trainer share a JVM. Holding this lock around each collector, for one batch
 * at a time, lets them interleave safely. Forward-only work (evaluation, the forward halves of scoring) does
 * not need it.
 */
public final class GradientLock {

  private static final ReentrantLock LOCK = new ReentrantLock(true);

  private GradientLock() {}

  /** Takes the lock (waiting if needed) until the returned handle is closed. */
  public static Held acquire() {
    LOCK.lock();
    return new Held();
  }

  /** Runs {@code work} holding the lock. */
  public static <T> T locked(Supplier<T> work) {
    LOCK.lock();
    try {
      return work.get();
    } finally {
      LOCK.unlock();
    }
  }

  /** Whether the current thread holds the lock. */
  public static boolean isHeldByCurrentThread() {
    return LOCK.isHeldByCurrentThread();
  }

  /** An acquired lock; {@link #close()} releases it. */
  public static final class Held implements AutoCloseable {
    private boolean open = true;

    private Held() {}

    @Override
    public void close() {
      if (open) {
        open = false;
        LOCK.unlock();
      }
    }
  }
}
