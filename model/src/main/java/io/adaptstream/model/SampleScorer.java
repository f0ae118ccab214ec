package io.adaptstream.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Computes {@link SampleSignals} for examples under the current model, in micro-batches.
 *
 * <p>Per micro-batch: one forward and one backward pass with the images give the exact per-sample gradients of
 * the sketch layer's fc1 through the probe trick, and the same forward gives perplexity, EL2N, entropy and the
 * embedding; a second, forward-only pass without images (only for samples that have any) gives grounding.
 *
 * <p>The probe trick: a zero array added to fc1's output Y makes its gradient, after one backward of the
 * <em>sum</em> of per-sample losses, exactly dL_b/dY_b for every sample b (samples do not interact). With fc1's
 * input X (plus a column of ones for the bias) captured in the same forward, sample b's gradient is
 * G_b = dY_bᵀ X̃_b. It is never formed for the sketch ((dY_b R_out)ᵀ (X̃_b R_in), see
 * {@link KroneckerProjection}); GraNd = ‖G_b‖_F is computed from whichever is cheaper, G_b itself or
 * ‖dYᵀX̃‖² = Σ (dY dYᵀ) ∘ (X̃ X̃ᵀ). All weights are frozen during that pass, so backward stops at the probe and
 * leaves the model's own gradients untouched; it holds {@link GradientLock}.
 */
public final class SampleScorer {

  public static final int DEFAULT_MICRO_BATCH = 32;

  private final int microBatch;

  public SampleScorer() {
    this(DEFAULT_MICRO_BATCH);
  }

  public SampleScorer(int microBatch) {
    if (microBatch < 1) {
      throw new IllegalArgumentException("microBatch must be >= 1, got " + microBatch);
    }
    this.microBatch = microBatch;
  }

  /**
   * Signals for every example, in order. Throws {@link InvalidExampleException} for the first unusable example
   * (check each with {@link VisionLanguageModel#validate} first to isolate bad records).
   */
  public List<SampleSignals> score(VisionLanguageModel model, List<Example> examples) {
    List<ExampleLayout> samples = ExampleLayout.of(examples, model.config());
    KroneckerProjection projection = KroneckerProjection.of(model.config());
    // a sample's signals do not depend on its batch companions
    return ExampleLayout.inShapeBatches(samples, microBatch, chunk -> scoreBatch(model, chunk, projection));
  }

  private static List<SampleSignals> scoreBatch(VisionLanguageModel model, List<ExampleLayout> chunk,
      KroneckerProjection projection) {
    ModelConfig config = model.config();
    int b = chunk.size();
    try (NDManager m = model.manager().newSubManager()) {
      Batch batch = Batch.of(m, config, chunk, all(b, true));
      Probed probed = probe(model, batch, m);
      return VisionLanguageModel.withoutGradients(() -> {
        NDArray xa = withOnes(probed.x);
        NDArray sketch = probed.dy.matMul(projection.outFactor(m)).transpose(0, 2, 1)
            .matMul(xa.matMul(projection.inFactor(m))).reshape(b, (long) projection.k * projection.k);
        float[] sketches = sketch.toFloatArray();
        double[] grand = gradientNorms(probed.dy, xa);

        AnswerScores scores = answerScores(probed.logits.stopGradient(), batch.targets, batch.hostWeights,
            batch.answerCount);
        float[] embedding = probed.mid.stopGradient().mul(batch.pool).sum(new int[] {1}).toFloatArray();
        double[] groundingNll = withoutImages(model, chunk, m);

        int d = config.dModel();
        int side = projection.k * projection.k;
        List<SampleSignals> signals = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
          double meanNll = scores.meanNll[i];
          double grounding = Double.isNaN(groundingNll[i]) ? 0.0 : groundingNll[i] - meanNll;
          signals.add(new SampleSignals(
              KroneckerProjection.normalize(Arrays.copyOfRange(sketches, i * side, (i + 1) * side)),
              KroneckerProjection.normalize(Arrays.copyOfRange(embedding, i * d, (i + 1) * d)),
              Math.exp(meanNll), scores.el2n[i], scores.entropy[i], grounding, grand[i]));
        }
        return signals;
      });
    }
  }

  /** Per sample: mean answer-token NLL, EL2N and entropy (the means over its answer tokens). */
  record AnswerScores(double[] meanNll, double[] el2n, double[] entropy) {}

  /**
   * The scores of {@link SampleSignals} that come from the logits alone, for any model whose (B, T, V) logits
   * predict token t+1 at position t: {@code targets} (B, T-1), {@code hostWeights} 1 on answer targets
   * (row-major B × (T-1)), {@code answerCount} answer targets per sample.
   */
  static AnswerScores answerScores(NDArray logits, NDArray targets, float[] hostWeights, int[] answerCount) {
    NDArray logp = logits.get(":, :-1, :").logSoftmax(-1);
    NDArray p = logp.exp();
    float[] nll = logp.gather(targets.expandDims(-1), -1).squeeze(-1).neg().toFloatArray();
    float[] sumSquares = p.square().sum(new int[] {-1}).toFloatArray();
    float[] entropy = p.mul(logp).sum(new int[] {-1}).neg().toFloatArray();
    int b = answerCount.length;
    int t1 = Math.toIntExact(targets.getShape().get(1));
    double[] meanNll = new double[b];
    double[] el2n = new double[b];
    double[] meanEntropy = new double[b];
    for (int i = 0; i < b; i++) {
      double sumNll = 0;
      double sumEl2n = 0;
      double sumEntropy = 0;
      for (int j = 0; j < t1; j++) {
        if (hostWeights[i * t1 + j] == 0f) {
          continue;
        }
        int at = i * t1 + j;
        double py = Math.exp(-nll[at]);
        sumNll += nll[at];
        sumEl2n += Math.sqrt(Math.max(0.0, sumSquares[at] - 2 * py + 1));
        sumEntropy += entropy[at];
      }
      int n = answerCount[i];
      meanNll[i] = sumNll / n;
      el2n[i] = sumEl2n / n;
      meanEntropy[i] = sumEntropy / n;
    }
    return new AnswerScores(meanNll, el2n, meanEntropy);
  }

  /** The with-images forward and the probe backward: dY, X, logits and the sketch layer's output. */
  record Probed(NDArray dy, NDArray x, NDArray logits, NDArray mid) {}

  static Probed probe(VisionLanguageModel model, Batch batch, NDManager m) {
    ModelConfig config = model.config();
    long s = (long) batch.prefix + batch.textLength;
    return GradientLock.locked(() -> {
      model.block().freezeParameters(true);
      try {
        NDArray probe = m.zeros(new Shape(batch.size, s, config.ffn()));
        probe.setRequiresGradient(true);
        NDList capture = new NDList();
        PairList<String, Object> hooks = new PairList<>();
        hooks.add(DecoderLayer.PROBE, probe);
        hooks.add(DecoderLayer.CAPTURE, capture);
        NDList out;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          out = model.forward(batch, false, hooks);
          gc.backward(batch.answerNll(out.get(0)).sum());
        }
        NDArray dy = probe.getGradient();
        dy.attach(m);
        return new Probed(dy, capture.get(0), out.get(0), out.get(1));
      } finally {
        model.block().freezeParameters(false);
      }
    });
  }

  /** X with a column of ones appended (the bias's input), (B, S, in + 1). */
  static NDArray withOnes(NDArray x) {
    Shape shape = x.getShape();
    return x.concat(x.getManager().ones(new Shape(shape.get(0), shape.get(1), 1)), 2);
  }

  /** ‖dY_bᵀ X̃_b‖_F per sample, through the cheaper of the two exact routes. */
  static double[] gradientNorms(NDArray dy, NDArray xa) {
    long s = dy.getShape().get(1);
    long out = dy.getShape().get(2);
    long in = xa.getShape().get(2);
    return gradientNorms(dy, xa, s * (out + in) < out * in);
  }

  static double[] gradientNorms(NDArray dy, NDArray xa, boolean gram) {
    NDArray squared;
    if (gram) {
      NDArray a = dy.matMul(dy.transpose(0, 2, 1));
      NDArray c = xa.matMul(xa.transpose(0, 2, 1));
      squared = a.mul(c).sum(new int[] {1, 2});
    } else {
      squared = dy.transpose(0, 2, 1).matMul(xa).square().sum(new int[] {1, 2});
    }
    float[] values = squared.toFloatArray();
    double[] norms = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      norms[i] = Math.sqrt(Math.max(0.0, values[i]));
    }
    return norms;
  }

  /** Mean answer NLL of each sample with its images hidden; NaN for samples without images. */
  private static double[] withoutImages(VisionLanguageModel model, List<ExampleLayout> chunk, NDManager m) {
    double[] nll = new double[chunk.size()];
    Arrays.fill(nll, Double.NaN);
    List<ExampleLayout> withImages = new ArrayList<>();
    List<Integer> where = new ArrayList<>();
    for (int i = 0; i < chunk.size(); i++) {
      if (!chunk.get(i).images.isEmpty()) {
        withImages.add(chunk.get(i));
        where.add(i);
      }
    }
    if (withImages.isEmpty()) {
      return nll;
    }
    // hidden images take no part in the text's computation, so the batch simply has no prefix
    Batch hidden = Batch.of(m, model.config(), withImages, all(withImages.size(), false));
    float[] values = hidden.answerNll(model.forward(hidden, false, null).get(0)).toFloatArray();
    for (int j = 0; j < values.length; j++) {
      nll[where.get(j)] = values[j];
    }
    return nll;
  }

  /**
   * Only the gradient sketches (probe pass and projection, no scores), in the examples' order: what the
   * batch-size-1 loop computes, for benchmarks.
   */
  static List<float[]> sketches(VisionLanguageModel model, List<Example> examples, int microBatch) {
    ModelConfig config = model.config();
    List<ExampleLayout> samples = ExampleLayout.of(examples, config);
    KroneckerProjection projection = KroneckerProjection.of(config);
    List<Integer> order = ExampleLayout.orderByShape(samples);
    float[][] out = new float[samples.size()][];
    int side = projection.k * projection.k;
    for (int from = 0; from < samples.size(); from += microBatch) {
      List<Integer> ids = order.subList(from, Math.min(samples.size(), from + microBatch));
      List<ExampleLayout> chunk = new ArrayList<>(ids.size());
      for (int id : ids) {
        chunk.add(samples.get(id));
      }
      try (NDManager m = model.manager().newSubManager()) {
        Batch batch = Batch.of(m, config, chunk, all(chunk.size(), true));
        Probed probed = probe(model, batch, m);
        float[] flat = VisionLanguageModel.withoutGradients(() -> probed.dy.matMul(projection.outFactor(m))
            .transpose(0, 2, 1).matMul(withOnes(probed.x).matMul(projection.inFactor(m))).toFloatArray());
        for (int i = 0; i < ids.size(); i++) {
          out[ids.get(i)] = KroneckerProjection.normalize(Arrays.copyOfRange(flat, i * side, (i + 1) * side));
        }
      }
    }
    return Arrays.asList(out);
  }

  /**
   * The reference route for tests and benchmarks: one backward pass per sample (batch size 1), reading the
   * sketch layer's fc1 weight and bias gradients and zeroing every gradient for the next sample. With
   * {@code freezeOthers} every other weight is frozen so backward stops early (the fast variant); without, all
   * weights get gradients, as in a plain per-sample loop. Returns, per sample, the normalised sketch and, when
   * {@code keepGradients}, the explicit gradient (out × (in + 1), bias last).
   */
  static List<float[][]> autogradLoop(VisionLanguageModel model, List<Example> examples, boolean keepGradients) {
    return autogradLoop(model, examples, keepGradients, true);
  }

  static List<float[][]> autogradLoop(VisionLanguageModel model, List<Example> examples, boolean keepGradients,
      boolean freezeOthers) {
    ModelConfig config = model.config();
    List<ExampleLayout> samples = ExampleLayout.of(examples, config);
    KroneckerProjection projection = KroneckerProjection.of(config);
    return GradientLock.locked(() -> {
      try (NDManager factors = model.manager().newSubManager()) {
        return loop(model, samples, projection, keepGradients, freezeOthers, factors);
      }
    });
  }

  private static List<float[][]> loop(VisionLanguageModel model, List<ExampleLayout> samples,
      KroneckerProjection projection, boolean keepGradients, boolean freezeOthers, NDManager factors) {
    ModelConfig config = model.config();
    Parameter weight = model.block().sketchLayer().fc1().getParameters().get("weight");
    Parameter bias = model.block().sketchLayer().fc1().getParameters().get("bias");
    List<Parameter> trainable = new ArrayList<>();
    if (freezeOthers) {
      trainable.add(weight);
      trainable.add(bias);
    } else {
      model.block().getParameters().values().forEach(trainable::add);
    }
    List<float[][]> out = new ArrayList<>(samples.size());
    NDArray rOut = projection.outFactor(factors);
    NDArray rIn = projection.inFactor(factors);
    model.block().freezeParameters(true);
    for (Parameter p : trainable) {
      p.freeze(false);
    }
    try {
      for (ExampleLayout sample : samples) {
        try (NDManager m = model.manager().newSubManager()) {
          Batch batch = Batch.of(m, config, List.of(sample), all(1, true));
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(batch.answerNll(model.forward(batch, false, null).get(0)).sum());
          }
          NDArray gw = weight.getArray().getGradient();
          NDArray gb = bias.getArray().getGradient();
          gw.attach(m);
          gb.attach(m);
          NDArray g = gw.concat(gb.reshape(config.ffn(), 1), 1);
          float[] sketch = VisionLanguageModel.withoutGradients(() ->
              rOut.transpose().matMul(g).matMul(rIn).reshape(-1).toFloatArray());
          float[] raw = keepGradients ? g.toFloatArray() : null;
          // PyTorch accumulates into .grad and nothing here clears it
          for (Parameter p : trainable) {
            NDArray grad = p.getArray().getGradient();
            grad.attach(m);
            grad.subi(grad);
          }
          out.add(new float[][] {KroneckerProjection.normalize(sketch), raw});
        }
      }
    } finally {
      model.block().freezeParameters(false);
    }
    return out;
  }

  static boolean[] all(int n, boolean value) {
    boolean[] a = new boolean[n];
    Arrays.fill(a, value);
    return a;
  }
}
