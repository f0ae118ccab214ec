package io.adaptstream.cli.run.demo;

import java.io.PrintWriter;
import java.util.Locale;

/** Where a job's progress lines go (the terminal, a log, a test's list). Called from several threads. */
@FunctionalInterface
public interface DemoProgress {

  /** Does nothing. */
  DemoProgress NONE = line -> {};

  void line(String text);

  /** Lines on {@code out}, each prefixed with the seconds since this call. */
  static DemoProgress timed(PrintWriter out) {
    long t0 = System.nanoTime();
    return text -> {
      synchronized (out) {
        out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, text);
        out.flush();
      }
    };
  }
}
