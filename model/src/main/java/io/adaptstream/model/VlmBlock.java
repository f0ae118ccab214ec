package io.adaptstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole network: convolutional patch encoder, learned embeddings, decoder layers, final LayerNorm, LM head.
 *
 * <p>Inputs: tokens (B, T) int64, additive mask (B, 1, S, S) and, when the batch has image slots, pixels
 * (B, K, 3, H, W). Outputs: text logits (B, T, V) and the hidden state after the sketch layer (B, S, D). Image
 * tokens get a learned patch-position embedding plus a learned image-index embedding (which image of the
 * sample they come from); text tokens a learned position embedding that starts at 0 whatever the prefix length,
 * so hiding the images and leaving them out give the same text computation.
 *
 * <p>For greedy decoding the same network also runs incrementally ({@link #prefill}, then {@link #step} per new
 * token) against a {@link KvCache}: a text token's computation depends only on the keys and values of the
 * positions it may attend to, so caching them gives the full forward's logits without recomputing the past.
 *
 * <p>Lookups into embedding tables are made into the input's manager ({@code get(manager, index)},
 * {@code embedding} on the token array): an op whose first operand is a parameter would put its result on the
 * model's manager, which is never cleared.
 */
final class VlmBlock extends AbstractBlock {

  private final ModelConfig config;
  private final Conv2d stem;
  private final Conv2d patch;
  private final Parameter patchPosition;
  private final Parameter imageIndex;
  private final Parameter tokenEmbedding;
  private final Parameter textPosition;
  private final List<DecoderLayer> layers = new ArrayList<>();
  private final LayerNorm finalNorm;
  private final Linear head;

  VlmBlock(ModelConfig config) {
    this.config = config;
    stem = addChildBlock("stem", Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
        .setFilters(config.convChannels()).build());
    patch = addChildBlock("patch", Conv2d.builder()
        .setKernelShape(new Shape(config.patchSize(), config.patchSize()))
        .optStride(new Shape(config.patchSize(), config.patchSize())).setFilters(config.dModel()).build());
    patchPosition = addParameter(table("patchPosition", config.tokensPerImage()));
    imageIndex = addParameter(table("imageIndex", Math.max(1, config.maxImages())));
    tokenEmbedding = addParameter(table("tokenEmbedding", ByteTokenizer.VOCAB_SIZE));
    textPosition = addParameter(table("textPosition", config.maxTextTokens()));
    for (int i = 0; i < config.layers(); i++) {
      layers.add(addChildBlock("layer" + i, new DecoderLayer(config.dModel(), config.heads(), config.ffn())));
    }
    finalNorm = addChildBlock("finalNorm", LayerNorm.builder().axis(2).build());
    head = addChildBlock("head", Linear.builder().setUnits(ByteTokenizer.VOCAB_SIZE).build());
  }

  private Parameter table(String name, int rows) {
    return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(rows, config.dModel())).optInitializer(Initializer.ZEROS).build();
  }

  /** Whether AdamW's weight decay applies: matrices and kernels, not biases, norm gains or embedding tables. */
  boolean isDecayed(Parameter p) {
    return p.getType() == Parameter.Type.WEIGHT && p.getArray().getShape().dimension() >= 2
        && p != patchPosition && p != imageIndex && p != tokenEmbedding && p != textPosition;
  }

  DecoderLayer sketchLayer() {
    return layers.get(config.sketchLayer());
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray tokens = inputs.get(0);
    NDArray mask = inputs.get(1);
    long t = tokens.getShape().get(1);
    NDArray h = embed(ps, inputs, training);
    NDArray mid = null;
    for (int i = 0; i < layers.size(); i++) {
      boolean sketch = i == config.sketchLayer();
      h = layers.get(i).forward(ps, new NDList(h, mask), training, sketch ? params : null).singletonOrThrow();
      if (sketch) {
        mid = h;
      }
    }
    h = finalNorm.forward(ps, new NDList(h), training).singletonOrThrow();
    long s = h.getShape().get(1);
    NDArray textHidden = s == t ? h : h.get(new NDIndex(":, {}:, :", s - t));
    NDArray logits = head.forward(ps, new NDList(textHidden), training).singletonOrThrow();
    return new NDList(logits, mid);
  }

  /**
   * The first step of cached decoding: the forward of a batch of prompts (inference), keeping every layer's keys
   * and values in {@code cache}. Returns the logits (B, 1, V) at one position per row: {@code last} (B, 1, D)
   * int64 holds that position's sequence index (prefix included), repeated along D.
   */
  NDArray prefill(ParameterStore ps, NDList inputs, NDArray last, KvCache cache) {
    NDArray mask = inputs.get(1);
    NDArray h = embed(ps, inputs, false);
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).forward(ps, h, mask, false, null, cache.layer(i));
    }
    return logits(ps, h.gather(last, 1));
  }

  /**
   * One step of cached decoding (inference): one new token per row, (B, 1) int64, at its text position
   * {@code positions} (B, 1) int64, attending through {@code mask} (B, 1, 1, cached + 1) to the cached
   * positions and itself. Appends the token's keys and values to {@code cache}; returns logits (B, 1, V).
   */
  NDArray step(ParameterStore ps, NDArray tokens, NDArray positions, NDArray mask, KvCache cache) {
    NDArray h = lookup(ps, tokens, tokenEmbedding, false).add(lookup(ps, positions, textPosition, false));
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).forward(ps, h, mask, false, null, cache.layer(i));
    }
    return logits(ps, h);
  }

  private NDArray logits(ParameterStore ps, NDArray hidden) {
    NDArray h = finalNorm.forward(ps, new NDList(hidden), false).singletonOrThrow();
    return head.forward(ps, new NDList(h), false).singletonOrThrow();
  }

  /** Rows of an embedding table for int64 ids of any shape, into the ids' manager. */
  private static NDArray lookup(ParameterStore ps, NDArray ids, Parameter table, boolean training) {
    NDManager m = ids.getManager();
    return ids.getNDArrayInternal().embedding(ids, ps.getValue(table, m.getDevice(), training), SparseFormat.DENSE)
        .singletonOrThrow();
  }

  /** The input sequence (B, S, D): image-prefix tokens, when the inputs have images, then text tokens. */
  private NDArray embed(ParameterStore ps, NDList inputs, boolean training) {
    NDArray tokens = inputs.get(0);
    NDManager m = tokens.getManager();
    long b = tokens.getShape().get(0);
    long t = tokens.getShape().get(1);
    if (t > config.maxTextTokens()) {
      throw new IllegalArgumentException("text of " + t + " tokens exceeds maxTextTokens " + config.maxTextTokens());
    }
    NDArray text = lookup(ps, tokens, tokenEmbedding, training)
        .add(ps.getValue(textPosition, m.getDevice(), training).get(m, new NDIndex(":{}", t)));
    if (inputs.size() <= 2) {
      return text;
    }
    NDArray images = inputs.get(2);
    Shape shape = images.getShape();
    long k = shape.get(1);
    long tpi = config.tokensPerImage();
    NDArray x = images.reshape(b * k, shape.get(2), shape.get(3), shape.get(4));
    x = Activation.relu(stem.forward(ps, new NDList(x), training).singletonOrThrow());
    x = patch.forward(ps, new NDList(x), training).singletonOrThrow(); // (B*K, D, g, g)
    x = x.reshape(b, k, config.dModel(), tpi).transpose(0, 1, 3, 2); // (B, K, tpi, D)
    NDArray pos = ps.getValue(patchPosition, m.getDevice(), training);
    NDArray idx = ps.getValue(imageIndex, m.getDevice(), training).get(m, new NDIndex(":{}", k))
        .reshape(k, 1, config.dModel());
    x = x.add(pos).add(idx).reshape(b, k * tpi, config.dModel());
    return x.concat(text, 1);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape tokens = inputShapes[0];
    return new Shape[] {new Shape(tokens.get(0), tokens.get(1), ByteTokenizer.VOCAB_SIZE),
        new Shape(tokens.get(0), tokens.get(1), config.dModel())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    int side = config.imageSize();
    stem.initialize(manager, dataType, new Shape(1, 3, side, side));
    patch.initialize(manager, dataType, new Shape(1, config.convChannels(), side, side));
    Shape hidden = new Shape(1, 1, config.dModel());
    for (DecoderLayer layer : layers) {
      layer.initialize(manager, dataType, hidden, new Shape(1, 1, 1, 1));
    }
    finalNorm.initialize(manager, dataType, hidden);
    head.initialize(manager, dataType, hidden);
  }
}
