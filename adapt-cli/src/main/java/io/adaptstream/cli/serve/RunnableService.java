package io.adaptstream.cli.serve;

/**
 * A pipeline service as {@code adapt serve} and local mode run it: {@link #run()} does the work on the calling
 * thread until {@link #close()} is called from another one (a shutdown hook, local mode stopping).
 *
 * <p>One shape for all four services lets the command line start any of them by name without knowing how
 * each is built.
 */
public interface RunnableService extends AutoCloseable {

  /** Runs until {@link #close()} is called or the service fails; returns normally after a close. */
  void run() throws Exception;

  /** Asks {@link #run()} to finish; safe to call from any thread, more than once. */
  @Override
  void close();
}
