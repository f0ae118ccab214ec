package io.adaptstream.ingest;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** Draws a publish as a terminal progress bar over the file's bytes, with the entry count beside it. */
public final class ProgressBarListener implements IngestListener, AutoCloseable {

  private final PrintStream out;
  private ProgressBar bar;

  /** Draws on standard error, leaving standard output to the JSON result line. */
  public ProgressBarListener() {
    this(System.err);
  }

  public ProgressBarListener(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void started(String release, long totalBytes) {
    close();
    bar = new ProgressBarBuilder()
        .setTaskName(release)
        .setInitialMax(Math.max(totalBytes, 1))
        .setUnit("KiB", 1024)
        .setConsumer(new ConsoleProgressBarConsumer(out))
        .showSpeed()
        .build();
  }

  @Override
  public synchronized void progress(long bytesRead, long totalBytes, long samplesDone) {
    if (bar != null) {
      bar.stepTo(Math.min(bytesRead, bar.getMax()));
      bar.setExtraMessage(samplesDone + " entries");
    }
  }

  @Override
  public synchronized void finished(IngestResult result) {
    if (bar != null) {
      bar.stepTo(bar.getMax());
      bar.setExtraMessage(result.accepted() + " accepted");
    }
    close();
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
