package io.adaptstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One pre-LayerNorm transformer layer with an additive attention mask: {@code h + Attn(LN(h))}, then
 * {@code h + fc2(GELU(fc1(LN(h))))}.
 *
 * <p>DJL has no GPT-style block (its {@code TransformerEncoderBlock} is post-norm with batch norm), hence this
 * one. Two optional hooks, passed through the forward's parameter list, make exact per-sample gradients of
 * {@code fc1} cheap: {@value #PROBE} is a zero array added to fc1's output, so after one batched backward its
 * gradient is dL/dY for every sample; {@value #CAPTURE} is an {@link NDList} that receives fc1's input X.
 */
final class DecoderLayer extends AbstractBlock {

  static final String PROBE = "probe";
  static final String CAPTURE = "capture";

  private final int dModel;
  private final int heads;
  private final LayerNorm ln1;
  private final Linear qkv;
  private final Linear proj;
  private final LayerNorm ln2;
  private final Linear fc1;
  private final Linear fc2;

  DecoderLayer(int dModel, int heads, int ffn) {
    this.dModel = dModel;
    this.heads = heads;
    // axis 2 = the feature axis of (B, S, D); without it LayerNorm would normalise over S and D together
    ln1 = addChildBlock("ln1", LayerNorm.builder().axis(2).build());
    qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * dModel).build());
    proj = addChildBlock("proj", Linear.builder().setUnits(dModel).build());
    ln2 = addChildBlock("ln2", LayerNorm.builder().axis(2).build());
    fc1 = addChildBlock("fc1", Linear.builder().setUnits(ffn).build());
    fc2 = addChildBlock("fc2", Linear.builder().setUnits(dModel).build());
  }

  Linear fc1() {
    return fc1;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    return new NDList(forward(ps, inputs.get(0), inputs.get(1), training, params, null));
  }

  /**
   * The layer on hidden states {@code h} (B, s, D). Without a cache, {@code mask} is (B|1, 1, s, s) over these
   * positions. With one, the new keys and values are stored after the cached ones and {@code mask} is
   * (B|1, 1, s, cached + s): the queries attend to everything cached so far plus themselves.
   */
  NDArray forward(ParameterStore ps, NDArray h, NDArray mask, boolean training, PairList<String, Object> params,
      KvCache.Layer cache) {
    NDManager m = h.getManager();
    long b = h.getShape().get(0);
    long s = h.getShape().get(1);
    int dh = dModel / heads;

    NDArray x = ln1.forward(ps, new NDList(h), training).singletonOrThrow();
    NDArray qkvOut = qkv.forward(ps, new NDList(x), training).singletonOrThrow()
        .reshape(b, s, 3, heads, dh).transpose(2, 0, 3, 1, 4);
    NDArray q = qkvOut.get(0);
    NDArray k = qkvOut.get(1);
    NDArray v = qkvOut.get(2);
    if (cache != null) {
      boolean first = cache.length() == 0;
      cache.append(k, v);
      if (!first) {
        k = cache.keys(m);
        v = cache.values(m);
      }
    }
    // the scale lives in the step's manager until backward is done (see Batch#answerNll)
    NDArray scale = m.create((float) (1.0 / Math.sqrt(dh)));
    NDArray attn = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(mask).softmax(-1);
    NDArray ctx = attn.matMul(v).transpose(0, 2, 1, 3).reshape(b, s, dModel);
    h = h.add(proj.forward(ps, new NDList(ctx), training).singletonOrThrow());

    NDArray y = ln2.forward(ps, new NDList(h), training).singletonOrThrow();
    if (params != null) {
      Object capture = params.get(CAPTURE);
      if (capture instanceof NDList list) {
        list.add(y.stopGradient());
      }
    }
    NDArray z = fc1.forward(ps, new NDList(y), training).singletonOrThrow();
    if (params != null && params.get(PROBE) instanceof NDArray probe) {
      z = z.add(probe);
    }
    z = Activation.gelu(z);
    return h.add(fc2.forward(ps, new NDList(z), training).singletonOrThrow());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape hidden = new Shape(1, 1, dModel);
    ln1.initialize(manager, dataType, hidden);
    qkv.initialize(manager, dataType, hidden);
    proj.initialize(manager, dataType, hidden);
    ln2.initialize(manager, dataType, hidden);
    fc1.initialize(manager, dataType, hidden);
    fc2.initialize(manager, dataType, fc1.getOutputShapes(new Shape[] {hidden})[0]);
  }
}
