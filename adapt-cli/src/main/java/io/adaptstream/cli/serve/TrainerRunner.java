package io.adaptstream.cli.serve;

import io.adaptstream.trainer.TrainerConfig;
import io.adaptstream.trainer.TrainerListener;
import io.adaptstream.trainer.TrainerService;
import java.util.Map;

/** The trainer as a runnable service; the demo passes a listener to show training progress. */
public record TrainerRunner(TrainerService service) implements RunnableService {

  /** A trainer built from checked settings, reporting to {@code listener}. */
  public static TrainerRunner of(Map<String, String> settings, TrainerListener listener) {
    TrainerConfig config = new TrainerConfig(settings);
    return new TrainerRunner(new TrainerService(config, config.blobStore(), listener));
  }

  @Override
  public void run() {
    service.run();
  }

  @Override
  public void close() {
    service.close();
  }
}
