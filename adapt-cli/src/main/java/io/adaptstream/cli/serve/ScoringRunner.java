package io.adaptstream.cli.serve;

import io.adaptstream.scoring.ScoringService;

/** The scoring service as a runnable service: its worker loop runs on the caller's thread until closed. */
record ScoringRunner(ScoringService service) implements RunnableService {

  @Override
  public void run() {
    service.run();
  }

  @Override
  public void close() {
    service.close();
  }
}
