package io.adaptstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Fine-tunes a {@link VisionLanguageModel} with Adam on the answer tokens of examples.
 *
 * <p>The loss of a batch is the mean over its samples of each sample's mean negative log-likelihood of its
 * answer tokens (gpt text and EOS), so long and short answers weigh the same. Samples are visited in the order of a
 * {@link SampleStream} (successive shuffles by a {@link Random} seeded from {@link TrainOptions#seed()}); image
 * dropout hides a sample's images from its text for one step, drawn from the same generator. In epochs mode each
 * epoch's batches are its pass cut in order (the last one may be smaller); in steps mode every batch has exactly
 * {@link TrainOptions#batchSize()} samples (see {@link TrainOptions} for the modes). Batches are deliberately not
 * grouped by length: grouping saves padding but makes batches task-homogeneous (each kind of question has its own
 * length); in this module's learning test it cut held-out colour accuracy from 1.0 to 0.5 after the same steps.
 * Every step holds {@link GradientLock}.
 *
 * <p>Adam's moments live for one {@code train} call and are released at its end: the pipeline fine-tunes once
 * per time step, and a checkpoint holds weights only. The update is DJL's fused Adam kernel (the one its
 * {@code Adam} optimizer calls) on state this class owns, since DJL's optimizer keeps its state on the model's
 * manager where it would outlive the call.
 */
public final class ModelTrainer {

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  /** Called after every step; runs on the training thread. */
  @FunctionalInterface
  public interface Progress {
    /**
     * Step {@code step} (0-based) of the call's {@code totalSteps} finished with mean sample loss
     * {@code batchLoss}. {@code stepsPerEpoch} is ⌈examples / batch size⌉ in both modes, so
     * {@code step / stepsPerEpoch} is the epoch (in steps mode: how many training sets' worth of batches came
     * before).
     */
    void onStep(int step, int totalSteps, int stepsPerEpoch, float batchLoss);
  }

  private final Progress progress;

  public ModelTrainer() {
    this(null);
  }

  public ModelTrainer(Progress progress) {
    this.progress = progress;
  }

  /** Trains in place; throws {@link InvalidExampleException} before any step if an example is unusable. */
  public TrainReport train(VisionLanguageModel model, List<Example> examples, TrainOptions options) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("no training examples");
    }
    ModelConfig config = model.config();
    List<ExampleLayout> samples = ExampleLayout.of(examples, config);
    List<Parameter> params = new ArrayList<>();
    boolean[] decay = new boolean[model.block().getParameters().size()];
    for (Pair<String, Parameter> p : model.block().getParameters()) {
      decay[params.size()] = model.block().isDecayed(p.getValue());
      params.add(p.getValue());
    }
    return run(samples, options, progress, model.manager(), params, decay, (batchSamples, show, step) -> {
      Batch batch = Batch.of(step, model.config(), batchSamples, show);
      NDArray perSample;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDList out = model.forward(batch, true, null);
        perSample = batch.answerNll(out.get(0));
        gc.backward(perSample.mean());
      }
      return perSample;
    });
  }

  /** One step's forward and backward: the per-sample losses (B), gradients left on the parameters. */
  @FunctionalInterface
  interface LossStep {
    NDArray lossAndBackward(List<ExampleLayout> samples, boolean[] showImage, NDManager step);
  }

  /**
   * The training loop any {@link Learner} shares: batches drawn from a {@link SampleStream}, image dropout, the
   * learning-rate schedule, Adam(W) with clipping on {@code params} (decoupled weight decay where {@code decay}),
   * every step under {@link GradientLock}.
   */
  static TrainReport run(List<ExampleLayout> samples, TrainOptions options, Progress progress, NDManager parent,
      List<Parameter> params, boolean[] decay, LossStep lossStep) {
    long start = System.nanoTime();
    int n = samples.size();
    Random random = new Random(options.seed());
    SampleStream stream = new SampleStream(n, random);
    int stepsPerEpoch = options.stepsPerEpoch(n);
    int totalSteps = options.totalSteps(n);
    long total = options.stepsMode() ? (long) totalSteps * options.batchSize() : (long) n * options.epochs();
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a call may train on at most " + Integer.MAX_VALUE + " samples, got "
          + total);
    }
    float[] sampleLosses = new float[(int) total];
    try (NDManager state = parent.newSubManager()) {
      List<NDArray> means = new ArrayList<>();
      List<NDArray> variances = new ArrayList<>();
      for (Parameter p : params) {
        means.add(state.zeros(p.getArray().getShape()));
        variances.add(state.zeros(p.getArray().getShape()));
      }
      for (int t = 0; t < totalSteps; t++) {
        int first = (int) stream.drawn();
        int size = options.stepsMode() ? options.batchSize() : Math.min(options.batchSize(), stream.leftInPass());
        List<Integer> ids = stream.next(size);
        List<ExampleLayout> batchSamples = new ArrayList<>(ids.size());
        boolean[] show = new boolean[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
          batchSamples.add(samples.get(ids.get(i)));
          show[i] = !(options.imageDropout() > 0f && random.nextFloat() < options.imageDropout());
        }
        float lr = options.learningRateAt(t, totalSteps);
        int adamStep = t + 1;
        float[] perSample = GradientLock.locked(() -> {
          try (NDManager step = parent.newSubManager()) {
            NDArray losses = lossStep.lossAndBackward(batchSamples, show, step);
            return update(params, decay, means, variances, losses, lr, options, adamStep, step);
          }
        });
        double batchSum = 0;
        for (int i = 0; i < perSample.length; i++) {
          sampleLosses[first + i] = perSample[i];
          batchSum += perSample[i];
        }
        if (progress != null) {
          progress.onStep(t, totalSteps, stepsPerEpoch, (float) (batchSum / perSample.length));
        }
      }
    }
    List<Float> passLosses = new ArrayList<>();
    for (int from = 0; from < sampleLosses.length; from += n) {
      passLosses.add((float) mean(sampleLosses, from, Math.min(sampleLosses.length, from + n)));
    }
    double lastPass = mean(sampleLosses, Math.max(0, sampleLosses.length - n), sampleLosses.length);
    return new TrainReport(n, totalSteps, total, passLosses, lastPass, (System.nanoTime() - start) / 1e9);
  }

  private static double mean(float[] values, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += values[i];
    }
    return sum / (to - from);
  }

  private static float[] update(List<Parameter> params, boolean[] decay, List<NDArray> means,
      List<NDArray> variances, NDArray perSample, float lr, TrainOptions options, int t, NDManager step) {
    float biasCorrection = (float) (lr * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t)));
    List<NDArray> grads = new ArrayList<>(params.size());
    for (Parameter p : params) {
      NDArray grad = p.getArray().getGradient();
      grad.attach(step);
      grads.add(grad);
    }
    float rescale = 1f;
    if (options.clipNorm() > 0f) {
      NDArray squares = null;
      for (NDArray g : grads) {
        NDArray s = g.square().sum();
        squares = squares == null ? s : squares.add(s);
      }
      double norm = Math.sqrt(squares.getFloat());
      if (norm > options.clipNorm()) {
        rescale = (float) (options.clipNorm() / norm);
      }
    }
    for (int i = 0; i < params.size(); i++) {
      NDArray weight = params.get(i).getArray();
      float wd = decay[i] ? options.weightDecay() : 0f;
      // DJL's fused Adam (AdamW: the decay is decoupled, w -= lr·wd·w); it zeroes the gradient afterwards
      // (PyTorch's collector never does)
      weight.getNDArrayInternal().adamUpdate(new NDList(weight, grads.get(i), means.get(i), variances.get(i)),
          new NDList(weight), lr, biasCorrection, wd, rescale, -1f, BETA1, BETA2, EPSILON, true, wd > 0f);
    }
    float[] losses = perSample.toFloatArray();
    for (float v : losses) {
      if (!Float.isFinite(v)) {
        throw new IllegalStateException("training diverged: a sample's loss is " + v + " at step " + t);
      }
    }
    return losses;
  }
}
