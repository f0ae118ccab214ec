package io.adaptstream.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.adaptstream.blob.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A small vision-language model in pure DJL blocks: a convolutional patch encoder turns each image into prefix
 * tokens, and a pre-LayerNorm causal decoder over byte tokens predicts the answers.
 *
 * <p>Weights come from {@link java.util.Random} seeded per parameter (from the model seed and the parameter's
 * name), so {@link #create} gives the same model on every engine, device and thread count. Checkpoints are one
 * blob: a header with the config JSON, then DJL's parameter encoding (exact float32 bits, so a loaded model's
 * outputs equal the saved model's bit for bit); the blob store verifies the hash on every load.
 *
 * <p>Forward-only use (evaluation, the forward halves of scoring) may run on several threads at once; training
 * and gradient sketches of one model must not overlap with anything else on that model.
 */
public final class VisionLanguageModel implements AutoCloseable {

  private static final CheckpointHeader HEADER = new CheckpointHeader("ADAPT-VLM\n", 1, "model checkpoint");

  private final ModelConfig config;
  private final ComputeDevice device;
  private final NDManager manager;
  private final VlmBlock block;
  private final ParameterStore store;

  private VisionLanguageModel(ModelConfig config, ComputeDevice device, NDManager manager, VlmBlock block) {
    this.config = config;
    this.device = device;
    this.manager = manager;
    this.block = block;
    this.store = new ParameterStore(manager, false);
  }

  /** A freshly initialised model; the same seed and config give the same weights everywhere. */
  public static VisionLanguageModel create(ModelConfig config, long seed, ComputeDevice device) {
    Objects.requireNonNull(config, "config");
    Device djlDevice = device.toDjl();
    NDManager manager = NDManager.newBaseManager(djlDevice);
    try {
      VlmBlock block = new VlmBlock(config);
      for (Pair<String, Parameter> p : block.getParameters()) {
        p.getValue().setInitializer(new SeededInitializer(seed, p.getKey(), p.getValue().getType(),
            config.layers()));
      }
      block.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1, 1, 1));
      return new VisionLanguageModel(config, device, manager, block);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Loads a checkpoint written by {@link #save}. The blob store verifies the bytes' hash (a corrupt blob
   * throws {@link io.adaptstream.blob.BlobIntegrityException}); the checkpoint's own config must equal
   * {@code configJson}. Parameters are made trainable again (DJL loads them without gradients).
   */
  public static VisionLanguageModel load(BlobStore blobs, String sha256, String configJson, ComputeDevice device)
      throws IOException {
    ModelConfig config = ModelConfig.fromJson(configJson);
    byte[] bytes = blobs.get(sha256);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    ModelConfig saved = ModelConfig.fromJson(HEADER.read(in, sha256));
    if (!saved.equals(config)) {
      throw new IOException("checkpoint " + sha256 + " was saved with config " + saved.toJson()
          + " but is being loaded as " + config.toJson());
    }
    NDManager manager = NDManager.newBaseManager(device.toDjl());
    try {
      VlmBlock block = new VlmBlock(config);
      block.loadParameters(manager, in);
      if (in.available() > 0) {
        throw new IOException("checkpoint " + sha256 + " has " + in.available() + " unexpected trailing bytes");
      }
      block.freezeParameters(false);
      return new VisionLanguageModel(config, device, manager, block);
    } catch (MalformedModelException | RuntimeException e) {
      manager.close();
      throw new IOException("checkpoint " + sha256 + " cannot be read: " + e.getMessage(), e);
    } catch (IOException e) {
      manager.close();
      throw e;
    }
  }

  /** Writes the weights (and config) to the blob store; the same weights always give the same hash. */
  public CheckpointRef save(BlobStore blobs) throws IOException {
    return HEADER.save(blobs, config.toJson(), block::saveParameters);
  }

  /** Checks that the model can use an example (answer turn present, images decodable). */
  public void validate(Example example) {
    ExampleLayout.of(example, config);
  }

  public ModelConfig config() {
    return config;
  }

  public ComputeDevice device() {
    return device;
  }

  public long parameterCount() {
    long n = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      n += p.getValue().getArray().size();
    }
    return n;
  }

  @Override
  public void close() {
    manager.close();
  }

  NDManager manager() {
    return manager;
  }

  VlmBlock block() {
    return block;
  }

  /** Runs the network on a batch: (text logits, sketch-layer hidden state). */
  NDList forward(Batch batch, boolean training, PairList<String, Object> hooks) {
    return block.forward(store, batch.inputs(), training, hooks);
  }

  /** A key/value cache for incremental decoding of a batch: {@code capacity} positions in every layer. */
  KvCache newCache(NDManager parent, int capacity) {
    return new KvCache(parent, config.layers(), capacity);
  }

  /** Cached decoding, first step: the prompts' forward into {@code cache}; logits (B, 1, V) at {@code last}. */
  NDArray prefill(Batch batch, NDArray last, KvCache cache) {
    return block.prefill(store, batch.inputs(), last, cache);
  }

  /** Cached decoding, later steps: one new token per row against {@code cache}; logits (B, 1, V). */
  NDArray step(NDArray tokens, NDArray positions, NDArray mask, KvCache cache) {
    return block.step(store, tokens, positions, mask, cache);
  }

  /** Logits (B, T, V) of the examples with their images, flattened; for checks of exactness. */
  float[] logits(List<Example> examples) {
    List<ExampleLayout> samples = ExampleLayout.of(examples, config);
    boolean[] show = new boolean[samples.size()];
    Arrays.fill(show, true);
    return withoutGradients(() -> {
      try (NDManager step = manager.newSubManager()) {
        Batch batch = Batch.of(step, config, samples, show);
        return forward(batch, false, null).get(0).toFloatArray();
      }
    });
  }

  /**
   * Runs forward-only work with autograd recording off on this thread. PyTorch's grad mode is per thread and on
   * by default in threads the engine did not start in; recording there would keep every activation alive.
   */
  static <T> T withoutGradients(Supplier<T> work) {
    boolean previous = JniUtils.isGradMode();
    if (previous) {
      JniUtils.setGradMode(false);
    }
    try {
      return work.get();
    } finally {
      if (previous) {
        JniUtils.setGradMode(true);
      }
    }
  }

  /**
   * Initial weights from a {@link Random} seeded by the model seed and the parameter's name, so they do not
   * depend on the order DJL initialises parameters in. GPT-2 style: N(0, 0.02) for linear layers and
   * embeddings, scaled by 1/sqrt(2·layers) on the residual outputs; He-normal for the convolutions; zero biases,
   * unit LayerNorm gains.
   */
  private record SeededInitializer(long seed, String name, Parameter.Type type, int layers) implements Initializer {

    @Override
    public NDArray initialize(NDManager m, Shape shape, DataType dataType) {
      int n = Math.toIntExact(shape.size());
      float[] values = new float[n];
      if (type == Parameter.Type.GAMMA) {
        Arrays.fill(values, 1f);
      } else if (type == Parameter.Type.WEIGHT) {
        double std;
        if (shape.dimension() == 4) {
          long fanIn = shape.get(1) * shape.get(2) * shape.get(3);
          std = Math.sqrt(2.0 / fanIn);
        } else if (name.endsWith("proj_weight") || name.endsWith("fc2_weight")) {
          std = 0.02 / Math.sqrt(2.0 * layers);
        } else {
          std = 0.02;
        }
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + name.hashCode());
        for (int i = 0; i < n; i++) {
          values[i] = (float) (random.nextGaussian() * std);
        }
      }
      return m.create(values, shape);
    }
  }
}
