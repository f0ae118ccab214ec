package io.adaptstream.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the PyTorch engine once per JVM with the settings this project needs.
 *
 * <p>PyTorch reads its thread count when the engine starts and never again, so determinism has to be chosen
 * before anything touches DJL: {@link #init(boolean)} with {@code true} pins PyTorch to one intra-op and one
 * inter-op thread, which makes training and scoring bit-identical run to run (with two threads the float sums
 * are reordered and results drift in the 7th significant digit). Offline mode is always set, so the engine
 * never calls home. Model code calls {@link #ensureStarted()}, which starts the engine in the mode of
 * {@link EngineConfig} (default multi-threaded) if nobody chose.
 *
 * <p>One thread is also the robust choice on a machine shared with other busy processes: PyTorch's OpenMP
 * threads wait for each other at every operation, and when one of them is descheduled the rest wait a whole
 * time slice (this module's tests ran 10× slower with two threads than with one on a busy 2-core box).
 *
 * <p>Seeds: model weights, shuffling, dropout and sketch projections all use their own
 * {@link java.util.Random} seeded by the caller, so nothing depends on the engine's global generator; it is
 * seeded anyway ({@code 0}) for any DJL code that might use it.
 */
public final class DjlRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(DjlRuntime.class);
  private static Boolean deterministic;

  private DjlRuntime() {}

  /**
   * Starts the engine; call before any other use of this module. A second call with the same mode is a no-op,
   * a different mode after start is refused (it could not take effect).
   */
  public static synchronized void init(boolean deterministicMode) {
    if (deterministic != null) {
      if (deterministic != deterministicMode) {
        throw new IllegalStateException("the PyTorch engine already runs with deterministic=" + deterministic
            + "; the mode must be chosen before the engine starts");
      }
      return;
    }
    setOffline();
    if (deterministicMode) {
      System.setProperty("ai.djl.pytorch.num_threads", "1");
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    Engine engine = Engine.getInstance();
    engine.setRandomSeed(0);
    if (deterministicMode && JniUtils.getNumThreads() != 1) {
      throw new IllegalStateException("deterministic mode needs one PyTorch thread but the engine was started "
          + "earlier with " + JniUtils.getNumThreads() + "; call DjlRuntime.init(true) first");
    }
    deterministic = deterministicMode;
    LOG.debug("{} started, deterministic={}, intra-op threads={}", engine, deterministicMode,
        JniUtils.getNumThreads());
  }

  /**
   * Sets DJL's offline mode: no telemetry call home, no native library downloads (they come from the classpath
   * jars). Every native DJL library this module loads (PyTorch, the Hugging Face tokenizers) is loaded after it.
   */
  static void setOffline() {
    System.setProperty("ai.djl.offline", "true");
  }

  /** Starts the engine in {@link EngineConfig}'s mode unless {@link #init(boolean)} ran. */
  public static synchronized void ensureStarted() {
    if (deterministic == null) {
      init(EngineConfig.fromSystemProperties().deterministic());
    }
  }

  /** Whether the engine runs deterministically; starts it if needed. */
  public static synchronized boolean isDeterministic() {
    ensureStarted();
    return deterministic;
  }
}
