package io.adaptstream.trainer;

import io.adaptstream.blob.BlobStore;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.model.ComputeDevice;
import io.adaptstream.model.LearnerConfig;
import io.adaptstream.model.ModelConfig;
import io.adaptstream.model.TrainOptions;
import io.adaptstream.runtime.config.ServiceConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the trainer: the common keys plus the model, how version 0 comes about, and the fine-tuning and
 * evaluation hyper-parameters.
 *
 * <p>Everything that changes the trained weights (architecture, seed, epochs or steps, batch size, learning rate,
 * image dropout, base) is a setting here, so a run's config file plus its ingest log is enough to reproduce its models.
 */
public final class TrainerConfig extends ServiceConfig {

  public static final String MODEL_NAME = "trainer.model.name";
  public static final String MODEL_PRESET = "trainer.model.preset";
  public static final String MODEL_CONFIG = "trainer.model.config";
  public static final String DEVICE = "trainer.device";
  public static final String SEED = "trainer.seed";
  public static final String DETERMINISTIC = "trainer.deterministic";
  public static final String EPOCHS = "trainer.epochs";
  public static final String STEPS = "trainer.steps";
  public static final String BATCH_SIZE = "trainer.batch.size";
  public static final String LEARNING_RATE = "trainer.learning.rate";
  public static final String IMAGE_DROPOUT = "trainer.image.dropout";
  public static final String BASE = "trainer.base";
  public static final String BASE_CHECKPOINT = "trainer.base.checkpoint";
  public static final String PRETRAIN_EPOCHS = "trainer.pretrain.epochs";
  public static final String PRETRAIN_STEPS = "trainer.pretrain.steps";
  public static final String EVAL_BATCH_SIZE = "trainer.eval.batch.size";
  public static final String EVAL_TRANSFER = "trainer.eval.transfer";
  public static final String INSTANCE_ID = "trainer.instance.id";

  /** How model version 0 is made when the run has none yet. */
  public enum Base {
    /** Train a freshly initialised model on the pretraining release (sequence 0) once it is sealed. */
    PRETRAIN,
    /** Load a checkpoint directory written by {@link Checkpoints}. */
    CHECKPOINT,
    /** An untrained, seeded model: for tests and ablations. */
    RANDOM;

    static Base parse(String value) {
      return Base.valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
  }

  /** A bound well above any useful call (the model refuses calls of more than 2^31 - 1 sample passes). */
  private static final int MAX_STEPS = 1_000_000;

  /** Model names end up in record keys ({@code <model>@<version>}), so '@' and separators are refused. */
  private static final Pattern MODEL_NAME_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private static final ConfigDef DEFINITION = defineBlobStore(ServiceConfig.common(),
          "Where images are read and checkpoints written: a directory path or a file:// URI (content-addressed).",
          FileBlobStore.DEFAULT_STALE_AFTER.toMillis())
      .define(MODEL_NAME, Type.STRING, "adapt-vlm", (name, value) -> {
        if (value == null || !MODEL_NAME_PATTERN.matcher(value.toString()).matches()) {
          throw new ConfigException(name, value, "1-64 letters, digits, '.', '_' or '-'");
        }
      }, Importance.MEDIUM, "Name of the model; versions are published under the key <name>@<version>.")
      .define(MODEL_PRESET, Type.STRING, "cpu", ConfigDef.CaseInsensitiveValidString.in("cpu", "gpu"),
          Importance.MEDIUM, "Architecture of a new model: 'cpu' (about 1.1 M parameters) or 'gpu' (larger).")
      .define(MODEL_CONFIG, Type.STRING, null, (name, value) -> {
        if (value != null && !value.toString().isBlank()) {
          try {
            ModelConfig.fromJson(value.toString());
          } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
          }
        }
      }, Importance.LOW, "A full model config as JSON (ModelConfig fields); overrides the preset for a new model.")
      .define(DEVICE, Type.STRING, "cpu", ConfigDef.CaseInsensitiveValidString.in("cpu", "gpu"), Importance.MEDIUM,
          "Where the model's arrays live.")
      .define(SEED, Type.LONG, 0L, Importance.MEDIUM,
          "Seeds the initial weights and, with the step number, every step's shuffling and image dropout.")
      .define(DETERMINISTIC, Type.BOOLEAN, false, Importance.MEDIUM,
          "Run PyTorch with one thread so that the same inputs give bit-identical models (slower training).")
      .define(EPOCHS, Type.INT, 8, Range.between(1, 1000), Importance.MEDIUM,
          "Passes over a step's selected samples (when " + STEPS + " is 0).")
      .define(STEPS, Type.INT, 0, Range.between(0, MAX_STEPS), Importance.MEDIUM,
          "Optimizer steps per time step, each of " + BATCH_SIZE + " samples drawn from successive seeded shuffles "
              + "of the step's selected samples, whatever their number; 0 = make " + EPOCHS + " passes instead. "
              + "The equal-compute protocol sets it, so that every method gets the same compute per step.")
      .define(BATCH_SIZE, Type.INT, 8, Range.between(1, 4096), Importance.MEDIUM,
          "Samples per Adam step. Small batches give more steps from the few hundred samples a step trains on "
              + "(docs/benchmarks.md: batch 8 vs 32 on the same compute).")
      .define(LEARNING_RATE, Type.DOUBLE, 1e-3, (name, value) -> {
        double v = (Double) value;
        if (!(v > 0) || Double.isInfinite(v)) {
          throw new ConfigException(name, value, "must be positive and finite");
        }
      }, Importance.MEDIUM, "Adam's peak learning rate, for pretraining and every step (each training call warms up "
          + "over its first 10% of steps, then decays with a cosine to 10% of the peak).")
      .define(IMAGE_DROPOUT, Type.DOUBLE, 0.0, (name, value) -> {
        double v = (Double) value;
        if (!(v >= 0 && v < 1)) {
          throw new ConfigException(name, value, "must be in [0, 1)");
        }
      }, Importance.LOW, "Probability that a sample's images are hidden from its text for one training step.")
      .define(BASE, Type.STRING, "pretrain", ConfigDef.CaseInsensitiveValidString.in("pretrain", "checkpoint",
          "random"), Importance.HIGH,
          "How version 0 is made when the run has none: 'pretrain' (train on the pretraining release), "
              + "'checkpoint' (load " + BASE_CHECKPOINT + ") or 'random' (untrained, for tests).")
      .define(BASE_CHECKPOINT, Type.STRING, null, Importance.MEDIUM,
          "Checkpoint directory (model.params + model-config.json, see Checkpoints) or its model.params file; "
              + "required when " + BASE + "=checkpoint.")
      .define(PRETRAIN_EPOCHS, Type.INT, 8, Range.between(1, 1000), Importance.MEDIUM,
          "Passes over the pretraining release's train samples when " + BASE + "=pretrain (and "
              + PRETRAIN_STEPS + " is 0).")
      .define(PRETRAIN_STEPS, Type.INT, 0, Range.between(0, MAX_STEPS), Importance.MEDIUM,
          "Optimizer steps of pretraining version 0 when " + BASE + "=pretrain, each of " + BATCH_SIZE
              + " samples of the pretraining release; 0 = make " + PRETRAIN_EPOCHS + " passes instead.")
      .define(EVAL_BATCH_SIZE, Type.INT, 32, Range.between(1, 4096), Importance.LOW,
          "Test samples decoded together during evaluation.")
      .define(EVAL_TRANSFER, Type.BOOLEAN, true, Importance.LOW,
          "Before training version t >= 1, evaluate version t-1 (in memory) and version 0 (loaded from its "
              + "checkpoint) on release t's test samples alone, for forward transfer; recorded as the evaluation's "
              + "'incoming' part, with its seconds. Off: no extra evaluation, and no forward transfer.")
      .define(INSTANCE_ID, Type.STRING, "", Importance.LOW,
          "Names this trainer in client ids and logs (default: pid@host). Every instance of a run shares one "
              + "transactional id, so a new instance fences the previous one.");

  static {
    for (LearnerConfig.Key key : LearnerConfig.KEYS) {
      DEFINITION.define(key.name(), Type.STRING, key.defaultValue(), checkedBy(LearnerConfig::validate),
          Importance.MEDIUM, key.doc());
    }
  }

  public TrainerConfig(Map<?, ?> originals) {
    super(DEFINITION, originals);
    if (base() == Base.CHECKPOINT && baseCheckpoint().isEmpty()) {
      throw new ConfigException(BASE_CHECKPOINT, null, "is required when " + BASE + "=checkpoint");
    }
    LearnerConfig learner;
    try {
      learner = learner();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    if (learner.kind() == LearnerConfig.Kind.TORCHSCRIPT && learner.path() == null && base() != Base.CHECKPOINT) {
      throw new ConfigException(LearnerConfig.PATH, null, "is required when " + LearnerConfig.KIND
          + "=torchscript and " + BASE + " is not checkpoint (version 0 starts from that module)");
    }
  }

  /** The definition (for documentation and for checking config files without building a config). */
  public static ConfigDef configDef() {
    return new ConfigDef(DEFINITION);
  }

  public BlobStore blobStore() {
    return BlobStore.at(getString(BLOB_STORE), Duration.ofMillis(getLong(BLOB_STORE_STALE_TEMP_MS)));
  }

  public String modelName() {
    return getString(MODEL_NAME);
  }

  /** The architecture of a new model: {@value #MODEL_CONFIG} if set, else the preset. */
  public ModelConfig modelConfig() {
    String json = getString(MODEL_CONFIG);
    if (json != null && !json.isBlank()) {
      return ModelConfig.fromJson(json);
    }
    return "gpu".equalsIgnoreCase(getString(MODEL_PRESET)) ? ModelConfig.gpu() : ModelConfig.cpu();
  }

  /**
   * Which learner runs ({@code model.kind} and its keys); a checkpoint of another kind is refused when loaded.
   *
   * @throws IllegalArgumentException naming the key when {@code model.path} is not a readable file
   */
  public LearnerConfig learner() {
    return LearnerConfig.from(values());
  }

  public ComputeDevice device() {
    return ComputeDevice.parse(getString(DEVICE));
  }

  public long seed() {
    return getLong(SEED);
  }

  public boolean deterministic() {
    return getBoolean(DETERMINISTIC);
  }

  /**
   * Options of step {@code step}'s fine-tuning, seeded from ({@link #seed()}, step): {@value #STEPS} steps when
   * set, else {@value #EPOCHS} epochs.
   */
  public TrainOptions stepOptions(int step) {
    return new TrainOptions(getInt(EPOCHS), getInt(BATCH_SIZE), (float) (double) getDouble(LEARNING_RATE),
        StepSeeds.training(seed(), step), (float) (double) getDouble(IMAGE_DROPOUT)).withSteps(getInt(STEPS));
  }

  /**
   * Options of pretraining version 0 (step 0's seed): {@value #PRETRAIN_STEPS} steps when set, else
   * {@value #PRETRAIN_EPOCHS} epochs.
   */
  public TrainOptions pretrainOptions() {
    return stepOptions(0).withEpochs(getInt(PRETRAIN_EPOCHS)).withSteps(getInt(PRETRAIN_STEPS));
  }

  public Base base() {
    return Base.parse(getString(BASE));
  }

  public Optional<Path> baseCheckpoint() {
    String path = getString(BASE_CHECKPOINT);
    return path == null || path.isBlank() ? Optional.empty() : Optional.of(Path.of(path));
  }

  public int evalBatchSize() {
    return getInt(EVAL_BATCH_SIZE);
  }

  /** Whether version t >= 1 records versions t-1 and 0 on release t's test samples (forward transfer). */
  public boolean evalTransfer() {
    return getBoolean(EVAL_TRANSFER);
  }

  public String instanceId() {
    String id = getString(INSTANCE_ID);
    return id == null || id.isBlank() ? ManagementFactory.getRuntimeMXBean().getName() : id;
  }
}
