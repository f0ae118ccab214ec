package io.adaptstream.cli.serve;

import io.adaptstream.trainer.TrainerClients;
import io.adaptstream.trainer.TrainerConfig;
import io.adaptstream.trainer.TrainerListener;
import io.adaptstream.trainer.TrainerService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;

/** The trainer as a runnable service; the demo passes a listener to show training progress. */
public record TrainerRunner(TrainerService service) implements RunnableService {

  /** A trainer built from checked settings, reporting to {@code listener}, with meters nothing serves. */
  public static TrainerRunner of(Map<String, String> settings, TrainerListener listener) {
    return of(settings, listener, new SimpleMeterRegistry());
  }

  /** A trainer built from checked settings, reporting to {@code listener} and recording into {@code registry}. */
  public static TrainerRunner of(Map<String, String> settings, TrainerListener listener, MeterRegistry registry) {
    TrainerConfig config = new TrainerConfig(settings);
    return new TrainerRunner(new TrainerService(config, config.blobStore(), listener, TrainerClients.kafka(config),
        registry));
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
