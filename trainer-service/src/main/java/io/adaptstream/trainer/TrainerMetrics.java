package io.adaptstream.trainer;

import io.adaptstream.avro.DeadLetter;
import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.runtime.metrics.ServiceMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The trainer's meters, fed by its listener callbacks and passing every callback on to the caller's listener: the
 * phases of making a version as {@code adapt_step_phase_seconds{service="trainer",phase}} ({@code waiting_for_ingest},
 * {@code collecting}, {@code training}, {@code evaluation}, {@code publishing}: from one phase's start to the next's,
 * the last one to the commit), {@code adapt_trainer_loss} (mean sample loss of the newest optimizer step),
 * {@code adapt_trainer_optimizer_steps_total}, {@code adapt_trainer_model_version} (newest published version, -1
 * before the first), {@code adapt_trainer_accuracy} (its average accuracy) and
 * {@code adapt_trainer_versions_published_total}.
 *
 * <p>A meter never throws into the trainer: a listener's exception fails the version being made.
 */
final class TrainerMetrics implements TrainerListener {

  static final String LOSS = "adapt.trainer.loss";
  static final String OPTIMIZER_STEPS = "adapt.trainer.optimizer.steps";
  static final String MODEL_VERSION = "adapt.trainer.model.version";
  static final String ACCURACY = "adapt.trainer.accuracy";
  static final String VERSIONS_PUBLISHED = "adapt.trainer.versions.published";

  private record Open(String phase, long startNanos) {}

  private final ServiceMeters meters;
  private final TrainerListener delegate;
  private final AtomicReference<Open> open = new AtomicReference<>();
  private volatile double loss = Double.NaN;
  private volatile double version = -1;
  private volatile double accuracy = Double.NaN;
  private final Counter optimizerSteps;
  private final Counter published;

  TrainerMetrics(MeterRegistry registry, TrainerListener delegate) {
    this.meters = new ServiceMeters(registry, TrainerService.SERVICE);
    this.delegate = delegate;
    meters.gauge(LOSS, "mean sample loss of the newest optimizer step", this, m -> m.loss);
    meters.gauge(MODEL_VERSION, "the newest model version published (-1: none yet)", this, m -> m.version);
    meters.gauge(ACCURACY, "average accuracy of the newest published version", this, m -> m.accuracy);
    optimizerSteps = Counter.builder(OPTIMIZER_STEPS).tags(meters.tags()).description("optimizer steps taken")
        .register(registry);
    published = Counter.builder(VERSIONS_PUBLISHED).tags(meters.tags()).description("model versions committed")
        .register(registry);
  }

  ServiceMeters meters() {
    return meters;
  }

  /** The phase's name in the meters. */
  static String phaseName(Phase phase) {
    return switch (phase) {
      case EVALUATING -> "evaluation";
      case COMMITTING -> "publishing";
      default -> phase.name().toLowerCase(Locale.ROOT);
    };
  }

  @Override
  public void onPhase(int version, Phase phase) {
    closePhase(new Open(phaseName(phase), System.nanoTime()));
    delegate.onPhase(version, phase);
  }

  @Override
  public void onTrainingStep(int version, int step, int totalSteps, int stepsPerEpoch, float loss) {
    this.loss = loss;
    optimizerSteps.increment();
    delegate.onTrainingStep(version, step, totalSteps, stepsPerEpoch, loss);
  }

  @Override
  public void onPublished(ModelVersion version, EvalResult evaluation) {
    closePhase(null);
    this.version = version.getVersion();
    this.accuracy = evaluation.getAvgAccuracy();
    published.increment();
    delegate.onPublished(version, evaluation);
  }

  /** Dead letters the trainer's transaction committed. */
  void deadLettersCommitted(Iterable<DeadLetter> dead) {
    for (DeadLetter d : dead) {
      meters.deadLetter(d.getReason());
    }
  }

  private void closePhase(Open next) {
    Open previous = open.getAndSet(next);
    long now = next == null ? System.nanoTime() : next.startNanos();
    if (previous != null) {
      meters.phaseTook(previous.phase(), now - previous.startNanos());
    }
  }
}
