package io.adaptstream.model;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.blob.Sha256;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A user's TorchScript vision-language module as a {@link Learner}, run and fine-tuned through DJL's PyTorch
 * engine. The module contract (inputs, outputs, the {@code adapt.json} layout file) is in {@code model/README.md}.
 *
 * <p>Training is the built-in model's loop ({@link ModelTrainer}: same sampling, schedule, AdamW and clipping) on
 * the parameters whose names match {@link TorchScriptConfig#trainable()}; the others are frozen, so backward
 * computes no gradient for them. Weight decay applies to matrices (parameters named {@code *weight} with two or
 * more dimensions) except embeddings (names containing {@code embed}).
 *
 * <p>Signals need nothing from the module beyond its two outputs. The sketch is the exact gradient of each
 * sample's mean answer-token NLL with respect to the output projection W (logits = hidden · Wᵀ), in closed form
 * from one forward pass: G_b = Σ_t dz_tᵀ h_t with dz_t = (softmax(z_t) − onehot(y_t)) / n_answer over the answer
 * targets t; it is never formed, but projected as (dz R_out)ᵀ (h R_in) with the same seeded
 * {@link KroneckerProjection} the built-in model uses (out = vocabulary, in = hidden size: weight only, no bias
 * column, since the contract does not say whether the projection has a bias), then L2-normalised. Perplexity,
 * EL2N and entropy come from the logits exactly as for the built-in model; grounding from a second forward with
 * {@code hide_images} set; the embedding is the last hidden state mean-pooled over the attention mask.
 *
 * <p>One thread at a time: unlike the built-in model, forward-only calls also switch the module between training
 * and evaluation mode. Signals hold (B, T, V) arrays of the logits' size; for a real vocabulary (tens of
 * thousands) keep the micro-batch small.
 *
 * <p>Checkpoints are one blob: a header with the {@link TorchScriptConfig} JSON, then the whole TorchScript module
 * as PyTorch serialises it (code and exact float32 weights), so a loaded learner's outputs equal the saved one's bit
 * for bit. With a Hugging Face tokenizer ({@code model.tokenizer} naming a tokenizer.json) the file's bytes sit
 * between the header and the module (a 4-byte length, then the bytes) and the config records their sha256, so a
 * checkpoint is self-contained: it loads with the same tokenizer on any host, also when exported as a directory
 * and imported elsewhere. Byte-tokenizer checkpoints have no such section and are unchanged. The module's
 * vocabulary must equal the tokenizer's; a mismatch is refused when the module or a checkpoint is loaded.
 */
public final class TorchScriptLearner implements Learner {

  /** The extra file inside the module that holds its layout. */
  public static final String LAYOUT_FILE = "adapt.json";

  private static final CheckpointHeader HEADER = new CheckpointHeader("ADAPT-TORCHSCRIPT\n", 1, "torchscript checkpoint");

  private final TorchScriptConfig config;
  private final TextTokenizer tokenizer;
  private final ComputeDevice device;
  private final PtNDManager manager;
  private final PtSymbolBlock block;
  private final ParameterStore store;
  private final List<String> trainableNames = new ArrayList<>();
  private final List<Parameter> trainable = new ArrayList<>();
  private final boolean[] decay;
  private KroneckerProjection projection;
  /** Whether the module is in training mode; the constructor leaves it so. */
  private boolean moduleTraining = true;

  private TorchScriptLearner(TorchScriptConfig config, TextTokenizer tokenizer, ComputeDevice device,
      PtNDManager manager, PtSymbolBlock block) {
    if (tokenizer.vocabSize() != config.vocabSize()) {
      throw new IllegalArgumentException("the module's vocabulary (vocab_size " + config.vocabSize() + " in its "
          + LAYOUT_FILE + ") does not match the tokenizer's (" + tokenizer.vocabSize() + " ids: " + tokenizer
          + "); use the tokenizer the module was trained with (" + LearnerConfig.TOKENIZER + ")");
    }
    this.config = config;
    this.tokenizer = tokenizer;
    this.device = device;
    this.manager = manager;
    this.block = block;
    this.store = new ParameterStore(manager, false);
    Pattern pattern = config.trainablePattern();
    List<Boolean> decays = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      boolean train = pattern.matcher(p.getKey()).matches();
      p.getValue().freeze(!train);
      if (train) {
        trainableNames.add(p.getKey());
        trainable.add(p.getValue());
        decays.add(p.getKey().endsWith("weight") && p.getValue().getArray().getShape().dimension() >= 2
            && !p.getKey().contains("embed"));
      }
    }
    if (trainable.isEmpty()) {
      throw new IllegalArgumentException(LearnerConfig.TRAINABLE_PATTERN + " '" + config.trainable()
          + "' matches none of the module's parameters " + parameterNames());
    }
    decay = new boolean[decays.size()];
    for (int i = 0; i < decay.length; i++) {
      decay[i] = decays.get(i);
    }
    // a module switched to evaluation and back trains to other bits than one never switched, so every learner
    // starts switched once: a version kept in memory after an evaluation and the same version loaded afresh then
    // train to the same weights (replay and a restarted trainer depend on it)
    JniUtils.enableInferenceMode(block);
    JniUtils.enableTrainingMode(block);
  }

  /**
   * Opens the module file named by {@code learner} (its first version): reads its layout from the
   * {@value #LAYOUT_FILE} extra file and makes the matching parameters trainable.
   */
  public static TorchScriptLearner open(LearnerConfig learner, ComputeDevice device) throws IOException {
    if (learner.kind() != LearnerConfig.Kind.TORCHSCRIPT) {
      throw new IllegalArgumentException("not a torchscript config: " + learner.kind().id());
    }
    if (learner.path() == null) {
      throw new IllegalArgumentException(LearnerConfig.PATH + " is required to create a torchscript model");
    }
    TextTokenizer tokenizer;
    try {
      tokenizer = learner.byteTokenizer() ? TextTokenizer.BYTES : HfTokenizer.read(learner.tokenizerPath());
    } catch (IllegalArgumentException e) {
      throw new IOException(LearnerConfig.TOKENIZER + ": " + e.getMessage(), e);
    }
    PtNDManager manager = (PtNDManager) NDManager.newBaseManager(device.toDjl());
    try {
      String[] keys = {LAYOUT_FILE};
      String[] values = new String[1];
      PtSymbolBlock block = JniUtils.loadModule(manager, learner.path(), true, keys, values, true);
      if (values[0] == null || values[0].isBlank()) {
        throw new IOException("the module has no " + LAYOUT_FILE + " extra file (see model/README.md)");
      }
      TorchScriptConfig config = TorchScriptConfig.of(TorchScriptConfig.ModuleLayout.fromJson(values[0]), learner,
          tokenizer);
      return new TorchScriptLearner(config, tokenizer, device, manager, block);
    } catch (IOException | RuntimeException e) {
      manager.close();
      closeTokenizer(tokenizer);
      throw new IOException("cannot open TorchScript module " + learner.path() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads a checkpoint written by {@link #save}. The blob store verifies the hash; the checkpoint's own config
   * must equal {@code configJson}. A config without a tokenizer hash (every checkpoint written before tokenizers
   * could be chosen) uses the byte tokenizer; one with a hash reads the tokenizer.json the checkpoint carries and
   * checks it against the hash.
   */
  public static TorchScriptLearner load(BlobStore blobs, String sha256, String configJson, ComputeDevice device)
      throws IOException {
    TorchScriptConfig config = TorchScriptConfig.fromJson(configJson);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(blobs.get(sha256)));
    TorchScriptConfig saved = TorchScriptConfig.fromJson(HEADER.read(in, sha256));
    if (!saved.equals(config)) {
      throw new IOException("checkpoint " + sha256 + " was saved with config " + saved.toJson()
          + " but is being loaded as " + config.toJson());
    }
    TextTokenizer tokenizer = tokenizerOf(in, config, sha256);
    PtNDManager manager = (PtNDManager) NDManager.newBaseManager(device.toDjl());
    try {
      PtSymbolBlock block = new PtSymbolBlock(manager);
      block.loadParameters(manager, in);
      if (in.available() > 0) {
        throw new IOException("checkpoint " + sha256 + " has " + in.available() + " unexpected trailing bytes");
      }
      return new TorchScriptLearner(config, tokenizer, device, manager, block);
    } catch (MalformedModelException | RuntimeException e) {
      manager.close();
      closeTokenizer(tokenizer);
      throw new IOException("checkpoint " + sha256 + " cannot be read: " + e.getMessage(), e);
    } catch (IOException e) {
      manager.close();
      closeTokenizer(tokenizer);
      throw e;
    }
  }

  /**
   * The tokenizer a checkpoint's config names: bytes, or the tokenizer.json section that follows the header
   * (read from {@code in}, which is left at the module), checked against the recorded hash.
   */
  private static TextTokenizer tokenizerOf(DataInputStream in, TorchScriptConfig config, String checkpoint)
      throws IOException {
    if (config.byteTokenizer()) {
      return TextTokenizer.BYTES;
    }
    int length = in.readInt();
    if (length < 1 || length > in.available()) {
      throw new IOException("checkpoint " + checkpoint + " has a tokenizer section of invalid length " + length);
    }
    byte[] json = new byte[length];
    in.readFully(json);
    if (!Sha256.hex(json).equals(config.tokenizerSha256())) {
      throw new IOException("checkpoint " + checkpoint + " carries tokenizer " + Sha256.hex(json)
          + " but its config records " + config.tokenizerSha256());
    }
    try {
      return HfTokenizer.of(json, "in checkpoint " + checkpoint);
    } catch (IllegalArgumentException e) {
      throw new IOException("checkpoint " + checkpoint + ": " + e.getMessage(), e);
    }
  }

  private static void closeTokenizer(TextTokenizer tokenizer) {
    if (tokenizer instanceof HfTokenizer hf) {
      hf.close();
    }
  }

  /**
   * Writes the header, the tokenizer.json (if any) and the module as one blob. The module is saved in training
   * mode whatever ran last: TorchScript records each submodule's mode in the file, so a version saved after an
   * evaluation would otherwise hash differently from the same weights saved straight after training.
   */
  @Override
  public CheckpointRef save(BlobStore blobs) throws IOException {
    setModuleTraining(true);
    return HEADER.save(blobs, config.toJson(), out -> {
      if (tokenizer instanceof HfTokenizer hf) {
        byte[] json = hf.json();
        out.writeInt(json.length);
        out.write(json);
      }
      block.saveParameters(out);
    });
  }

  @Override
  public String kind() {
    return LearnerConfig.Kind.TORCHSCRIPT.id();
  }

  @Override
  public String configJson() {
    return config.toJson();
  }

  public TorchScriptConfig config() {
    return config;
  }

  public ComputeDevice device() {
    return device;
  }

  /** The tokenizer the module's ids belong to. */
  TextTokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public int maxImages() {
    return config.maxImages();
  }

  @Override
  public long parameterCount() {
    long n = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      n += p.getValue().getArray().size();
    }
    return n;
  }

  /** Names of the parameters fine-tuned, in the module's order. */
  public List<String> trainableParameters() {
    return List.copyOf(trainableNames);
  }

  @Override
  public void validate(Example example) {
    layout(example);
  }

  @Override
  public TrainReport train(List<Example> examples, TrainOptions options, ModelTrainer.Progress progress) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("no training examples");
    }
    List<ExampleLayout> samples = layouts(examples);
    return ModelTrainer.run(samples, options, progress, manager, trainable, decay, (batch, show, step) -> {
      boolean[] hide = new boolean[show.length];
      for (int i = 0; i < show.length; i++) {
        hide[i] = !show[i];
      }
      Inputs in = inputs(step, batch, hide);
      NDArray perSample;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = forward(in, true).get(0);
        perSample = Batch.answerNll(logits, in.targets, in.weights, in.invAnswerCount);
        gc.backward(perSample.mean());
      }
      return perSample;
    });
  }

  @Override
  public List<SampleSignals> signals(List<Example> examples, int microBatch) {
    if (microBatch < 1) {
      throw new IllegalArgumentException("microBatch must be >= 1, got " + microBatch);
    }
    List<ExampleLayout> samples = layouts(examples);
    // a sample's signals do not depend on its batch companions
    return ExampleLayout.inShapeBatches(samples, microBatch,
        chunk -> VisionLanguageModel.withoutGradients(() -> signalsOf(chunk)));
  }

  private List<SampleSignals> signalsOf(List<ExampleLayout> chunk) {
    int b = chunk.size();
    try (NDManager m = manager.newSubManager()) {
      Inputs in = inputs(m, chunk, new boolean[b]);
      NDList out = forward(in, false);
      NDArray logits = out.get(0);
      NDArray hidden = out.get(1);
      int h = Math.toIntExact(hidden.getShape().get(2));
      KroneckerProjection p = projection(h);
      NDArray dz = outputDelta(in, logits);
      NDArray x = hidden.get(":, :-1, :");
      int side = p.k * p.k;
      float[] sketches = dz.matMul(p.outFactor(m)).transpose(0, 2, 1).matMul(x.matMul(p.inFactor(m)))
          .reshape(b, side).toFloatArray();
      double[] grand = SampleScorer.gradientNorms(dz, x);
      SampleScorer.AnswerScores scores = SampleScorer.answerScores(logits, in.targets, in.hostWeights,
          in.answerCount);
      NDArray mask = in.attention.expandDims(-1);
      float[] embedding = hidden.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1})).toFloatArray();
      double[] hiddenNll = withoutImages(m, chunk);
      List<SampleSignals> signals = new ArrayList<>(b);
      for (int i = 0; i < b; i++) {
        double meanNll = scores.meanNll()[i];
        double grounding = Double.isNaN(hiddenNll[i]) ? 0.0 : hiddenNll[i] - meanNll;
        signals.add(new SampleSignals(
            KroneckerProjection.normalize(Arrays.copyOfRange(sketches, i * side, (i + 1) * side)),
            KroneckerProjection.normalize(Arrays.copyOfRange(embedding, i * h, (i + 1) * h)),
            Math.exp(meanNll), scores.el2n()[i], scores.entropy()[i], grounding, grand[i]));
      }
      return signals;
    }
  }

  /**
   * dL_b/dz for every sample b and position t (B, T-1, V): (softmax − onehot(target)) / n_answer on answer
   * targets, 0 elsewhere; L_b is the sample's mean answer-token NLL.
   */
  private NDArray outputDelta(Inputs in, NDArray logits) {
    NDArray p = logits.get(":, :-1, :").softmax(-1);
    NDArray onehot = in.targets.oneHot(config.vocabSize()).toType(DataType.FLOAT32, false);
    NDArray scale = in.weights.mul(in.invAnswerCount.expandDims(1)).expandDims(-1);
    return p.sub(onehot).mul(scale);
  }

  /**
   * The exact per-sample gradients of the output projection's weight, (B, V, H) row-major, from the closed form
   * (what the sketch projects); for checks against autograd.
   */
  float[] outputGradients(List<Example> examples) {
    List<ExampleLayout> samples = layouts(examples);
    return VisionLanguageModel.withoutGradients(() -> {
      try (NDManager m = manager.newSubManager()) {
        Inputs in = inputs(m, samples, new boolean[samples.size()]);
        NDList out = forward(in, false);
        NDArray dz = outputDelta(in, out.get(0));
        return dz.transpose(0, 2, 1).matMul(out.get(1).get(":, :-1, :")).toFloatArray();
      }
    });
  }

  /** Mean answer NLL of each sample with its images hidden; NaN for samples without images. */
  private double[] withoutImages(NDManager m, List<ExampleLayout> chunk) {
    double[] nll = new double[chunk.size()];
    Arrays.fill(nll, Double.NaN);
    boolean any = false;
    for (ExampleLayout s : chunk) {
      any |= !s.images.isEmpty();
    }
    if (!any) {
      return nll;
    }
    boolean[] hide = new boolean[chunk.size()];
    Arrays.fill(hide, true);
    Inputs in = inputs(m, chunk, hide);
    float[] values = Batch.answerNll(forward(in, false).get(0), in.targets, in.weights, in.invAnswerCount)
        .toFloatArray();
    for (int i = 0; i < chunk.size(); i++) {
      if (!chunk.get(i).images.isEmpty()) {
        nll[i] = values[i];
      }
    }
    return nll;
  }

  @Override
  public EvalReport evaluate(List<Example> tests, int batchSize, int answerMargin) {
    if (tests.isEmpty()) {
      throw new IllegalArgumentException("no test examples to evaluate");
    }
    if (batchSize < 1 || answerMargin < 0) {
      throw new IllegalArgumentException("batchSize must be >= 1 and answerMargin >= 0");
    }
    List<ExampleLayout> samples = layouts(tests);
    // a row's answer does not depend on its batch companions
    return Evaluator.report(samples, ExampleLayout.inShapeBatches(samples, batchSize,
        chunk -> VisionLanguageModel.withoutGradients(() -> generate(chunk, answerMargin))));
  }

  /**
   * Greedy decoding by rerunning the module over each whole row at every step (a TorchScript module exposes no
   * key/value cache): quadratic in the answer length, fine for short answers.
   */
  private List<String> generate(List<ExampleLayout> chunk, int answerMargin) {
    Evaluator.Rows rows = new Evaluator.Rows(chunk, config.maxTextTokens(), answerMargin, tokenizer);
    int b = chunk.size();
    List<List<float[]>> images = new ArrayList<>(b);
    for (ExampleLayout s : chunk) {
      images.add(s.images);
    }
    int v = config.vocabSize();
    for (int step = 0; step < rows.steps; step++) {
      int[][] current = new int[b][];
      for (int i = 0; i < b; i++) {
        current[i] = Arrays.copyOf(rows.tokens[i], rows.length[i]);
      }
      long[] next;
      try (NDManager m = manager.newSubManager()) {
        Inputs in = inputs(m, current, null, images, new boolean[b]);
        NDArray logits = forward(in, false).get(0);
        long[] index = new long[b * v];
        for (int i = 0; i < b; i++) {
          Arrays.fill(index, i * v, (i + 1) * v, rows.length[i] - 1);
        }
        next = logits.gather(m.create(index, new Shape(b, 1, v)), 1).argMax(-1).toLongArray();
      }
      boolean any = false;
      for (int i = 0; i < b; i++) {
        any |= rows.advance(i, (int) next[i]);
      }
      if (!any) {
        break;
      }
    }
    return rows.answers();
  }

  @Override
  public void close() {
    manager.close();
    closeTokenizer(tokenizer);
  }

  PtSymbolBlock block() {
    return block;
  }

  /**
   * Runs the module: (logits (B, T, V), hidden (B, T, H)); {@code training} puts the module in training mode
   * (dropout and the like), otherwise in evaluation mode.
   *
   * <p>The block is always called as if training: for inference DJL runs TorchScript under PyTorch's inference
   * mode, whose tensors then fail the next training step ("Inference tensors cannot be saved for backward").
   * Autograd recording is switched off by the callers instead ({@link VisionLanguageModel#withoutGradients}), and
   * the module's own mode is set here.
   */
  NDList forward(Inputs in, boolean training) {
    setModuleTraining(training);
    NDList out = block.forward(store, in.list, true);
    if (out.size() < 2) {
      throw new IllegalStateException("the module returned " + out.size() + " output(s); the contract needs "
          + "(logits, hidden)");
    }
    return out;
  }

  private void setModuleTraining(boolean training) {
    if (moduleTraining != training) {
      if (training) {
        JniUtils.enableTrainingMode(block);
      } else {
        JniUtils.enableInferenceMode(block);
      }
      moduleTraining = training;
    }
  }

  private ExampleLayout layout(Example example) {
    return ExampleLayout.of(example, config.maxTextTokens(), config.maxImages(), config.imageSize(), tokenizer);
  }

  List<ExampleLayout> layouts(List<Example> examples) {
    return ExampleLayout.of(examples, config.maxTextTokens(), config.maxImages(), config.imageSize(), tokenizer);
  }

  private KroneckerProjection projection(int hidden) {
    if (projection == null || projection.in != hidden) {
      projection = new KroneckerProjection(config.vocabSize(), hidden, config.sketchSide(), config.projectionSeed());
    }
    return projection;
  }

  private List<String> parameterNames() {
    List<String> names = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      names.add(p.getKey());
    }
    return names;
  }

  /** The module's inputs for a batch with answer flags (training, signals). */
  Inputs inputs(NDManager m, List<ExampleLayout> samples, boolean[] hide) {
    int b = samples.size();
    int[][] rows = new int[b][];
    boolean[][] answers = new boolean[b][];
    List<List<float[]>> images = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      rows[i] = samples.get(i).tokens;
      answers[i] = samples.get(i).answer;
      images.add(samples.get(i).images);
    }
    return inputs(m, rows, answers, images, hide);
  }

  /**
   * The contract's five inputs: images (B, N, 3, S, S) with N the most images any sample has (at least 1, so the
   * module never sees an empty image axis), image_mask (B, N), tokens (B, T) int64 PAD-padded on the right,
   * attention_mask (B, T) int64, hide_images (B) float; plus targets and answer weights when {@code answers} is
   * given.
   */
  private Inputs inputs(NDManager m, int[][] rows, boolean[][] answers, List<List<float[]>> images, boolean[] hide) {
    int b = rows.length;
    int n = 1;
    int t = 0;
    for (int i = 0; i < b; i++) {
      n = Math.max(n, images.get(i).size());
      t = Math.max(t, rows[i].length);
    }
    int size = config.imageSize();
    int px = 3 * size * size;
    float[] pixels = new float[b * n * px];
    float[] imageMask = new float[b * n];
    long[] tokens = new long[b * t];
    long[] attention = new long[b * t];
    float[] attentionFloat = new float[b * t];
    float[] hidden = new float[b];
    Arrays.fill(tokens, tokenizer.pad());
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < images.get(i).size(); j++) {
        System.arraycopy(images.get(i).get(j), 0, pixels, (i * n + j) * px, px);
        imageMask[i * n + j] = 1f;
      }
      for (int j = 0; j < rows[i].length; j++) {
        tokens[i * t + j] = rows[i][j];
        attention[i * t + j] = 1;
        attentionFloat[i * t + j] = 1f;
      }
      hidden[i] = hide[i] ? 1f : 0f;
    }
    NDList list = new NDList(m.create(pixels, new Shape(b, n, 3, size, size)), m.create(imageMask, new Shape(b, n)),
        m.create(tokens, new Shape(b, t)), m.create(attention, new Shape(b, t)), m.create(hidden, new Shape(b)));
    AnswerTargets at = AnswerTargets.of(m, rows, answers, t, tokenizer.pad());
    return new Inputs(list, m.create(attentionFloat, new Shape(b, t)), at.targets(), at.weights(),
        at.invAnswerCount(), at.hostWeights(), at.answerCount());
  }

  /** The module's inputs and, for batches with answers, the loss's targets and weights. */
  record Inputs(NDList list, NDArray attention, NDArray targets, NDArray weights, NDArray invAnswerCount,
      float[] hostWeights, int[] answerCount) {

    Inputs {
      Objects.requireNonNull(list, "list");
    }
  }
}
