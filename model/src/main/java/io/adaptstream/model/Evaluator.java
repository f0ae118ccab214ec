package io.adaptstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Scores a model on test examples: greedy decoding of each example's final answer given everything before it,
 * then {@link AnswerMetric} against the reference, averaged per {@link Example#group()}.
 *
 * <p>Decoding is batched: prompts are right-padded and the most likely byte is appended to the rows still
 * going at every step. A row stops at a special token (normally EOS) or after its budget of new tokens: the
 * reference's length plus EOS plus a margin, within {@link ModelConfig#maxTextTokens()}. Prompts are truncated
 * exactly as in training. Forward only; no {@link GradientLock} is needed.
 *
 * <p>{@link Decoding#KV_CACHE} (the default) runs the network once over the prompts, keeping every layer's
 * keys and values, then once per step over only the newest token of each row; finished rows leave the batch.
 * {@link Decoding#FULL_RERUN} reruns the whole network over the whole batch at every step: quadratic in the
 * answer length, kept as the reference the cached decoding is tested against and measured by
 * {@link EvalBenchmark}. Both give the same answers up to float rounding (the cached path multiplies differently
 * shaped arrays; its logits are tested to 1e-4 relative), which could only flip a near tie.
 */
public final class Evaluator {

  /** The group of examples whose {@link Example#group()} is null. */
  public static final String UNGROUPED = "ungrouped";

  /** How a batch is decoded; both give the same answers. */
  public enum Decoding {
    /** One forward over the prompts, then one over each row's newest token against a key/value cache. */
    KV_CACHE,
    /** The whole network over the whole batch at every step (the reference and the benchmark's baseline). */
    FULL_RERUN
  }

  /** New tokens allowed beyond the reference answer's length by default (the trainer's evaluations use it). */
  public static final int DEFAULT_ANSWER_MARGIN = 8;

  private final int batchSize;
  private final int answerMargin;
  private final Decoding decoding;

  /** Batches of 32, {@value #DEFAULT_ANSWER_MARGIN} tokens of margin beyond the reference's length, cached decoding. */
  public Evaluator() {
    this(32, DEFAULT_ANSWER_MARGIN);
  }

  /** Cached decoding ({@link Decoding#KV_CACHE}). */
  public Evaluator(int batchSize, int answerMargin) {
    this(batchSize, answerMargin, Decoding.KV_CACHE);
  }

  public Evaluator(int batchSize, int answerMargin, Decoding decoding) {
    if (batchSize < 1 || answerMargin < 0) {
      throw new IllegalArgumentException("batchSize must be >= 1 and answerMargin >= 0");
    }
    this.batchSize = batchSize;
    this.answerMargin = answerMargin;
    this.decoding = Objects.requireNonNull(decoding, "decoding");
  }

  public Decoding decoding() {
    return decoding;
  }

  public EvalReport evaluate(VisionLanguageModel model, List<Example> tests) {
    if (tests.isEmpty()) {
      throw new IllegalArgumentException("no test examples to evaluate");
    }
    List<ExampleLayout> samples = ExampleLayout.of(tests, model.config());
    return report(samples, generateAll(model, samples));
  }

  /** Scores {@code answers} (one per sample, in order) against the samples' references, per group. */
  static EvalReport report(List<ExampleLayout> samples, List<String> answers) {
    Map<String, List<Double>> scores = new HashMap<>();
    for (int i = 0; i < samples.size(); i++) {
      ExampleLayout s = samples.get(i);
      String group = s.group == null ? UNGROUPED : s.group;
      scores.computeIfAbsent(group, g -> new ArrayList<>()).add(AnswerMetric.score(answers.get(i), s.reference));
    }
    Map<String, Double> accuracy = new HashMap<>();
    Map<String, Long> support = new HashMap<>();
    double total = 0;
    for (Map.Entry<String, List<Double>> e : scores.entrySet()) {
      double sum = 0;
      for (double v : e.getValue()) {
        sum += v;
      }
      double a = sum / e.getValue().size();
      accuracy.put(e.getKey(), a);
      support.put(e.getKey(), (long) e.getValue().size());
      total += a;
    }
    return new EvalReport(accuracy, support, total / scores.size(), scores);
  }

  /** The model's greedy answers to each example's final question (the final answer itself is not shown). */
  public List<String> generate(VisionLanguageModel model, List<Example> examples) {
    return generateAll(model, ExampleLayout.of(examples, model.config()));
  }

  private List<String> generateAll(VisionLanguageModel model, List<ExampleLayout> samples) {
    // a row's answer does not depend on its batch companions
    return ExampleLayout.inShapeBatches(samples, batchSize,
        chunk -> VisionLanguageModel.withoutGradients(() -> generateBatch(model, chunk)));
  }

  List<String> generateBatch(VisionLanguageModel model, List<ExampleLayout> chunk) {
    return generateBatch(model, chunk, null);
  }

  /** Receives every step's next-token logits of the rows still going, for checks of exactness. */
  interface StepLogits {
    /**
     * @param step 0 for the logits after the prompt, then one more per generated token
     * @param rows the rows still going (indices into the chunk), in order
     * @param logits (rows.length, V) row-major
     */
    void accept(int step, int[] rows, float[] logits);
  }

  List<String> generateBatch(VisionLanguageModel model, List<ExampleLayout> chunk, StepLogits observer) {
    Rows rows = new Rows(chunk, model.config().maxTextTokens(), answerMargin);
    if (rows.steps > 0) {
      if (decoding == Decoding.FULL_RERUN) {
        decodeFullRerun(model, chunk, rows, observer);
      } else {
        decodeCached(model, chunk, rows, observer);
      }
    }
    return rows.answers();
  }

  private void decodeFullRerun(VisionLanguageModel model, List<ExampleLayout> chunk, Rows rows, StepLogits observer) {
    ModelConfig config = model.config();
    int b = chunk.size();
    List<List<float[]>> images = images(chunk);
    boolean[] show = new boolean[b];
    Arrays.fill(show, true);
    int[] all = new int[b];
    Arrays.setAll(all, i -> i);
    for (int step = 0; step < rows.steps; step++) {
      int[][] current = new int[b][];
      for (int i = 0; i < b; i++) {
        current[i] = Arrays.copyOf(rows.tokens[i], rows.length[i]);
      }
      long[] next;
      try (NDManager m = model.manager().newSubManager()) {
        Batch batch = Batch.ofRows(m, config, current, images, show);
        NDArray logits = model.forward(batch, false, null).get(0);
        long[] index = new long[b * ByteTokenizer.VOCAB_SIZE];
        for (int i = 0; i < b; i++) {
          Arrays.fill(index, i * ByteTokenizer.VOCAB_SIZE, (i + 1) * ByteTokenizer.VOCAB_SIZE, rows.length[i] - 1);
        }
        NDArray last = logits.gather(m.create(index, new Shape(b, 1, ByteTokenizer.VOCAB_SIZE)), 1);
        next = greedy(last, step, all, rows, observer);
      }
      boolean any = false;
      for (int i = 0; i < b; i++) {
        any |= rows.advance(i, (int) next[i]);
      }
      if (!any) {
        break;
      }
    }
  }

  /**
   * Cached decoding. The prompts run as one padded batch (layout of {@link Batch}: S0 = image prefix + longest
   * prompt); step j's new tokens go to cache slot S0 + j - 1 of every row, at text position promptLength + j - 1
   * (where it would be without padding). A host-side key mask lets each row attend to exactly its shown image
   * tokens, its own prompt (not the padding after it) and its own generated tokens. When at most half the rows
   * are still going, the finished ones are dropped from the cache and the mask.
   */
  private void decodeCached(VisionLanguageModel model, List<ExampleLayout> chunk, Rows rows, StepLogits observer) {
    ModelConfig config = model.config();
    int b = chunk.size();
    int d = config.dModel();
    List<List<float[]>> images = images(chunk);
    boolean[] show = new boolean[b];
    Arrays.fill(show, true);
    int[][] prompts = new int[b][];
    for (int i = 0; i < b; i++) {
      prompts[i] = Arrays.copyOf(rows.tokens[i], rows.promptLength[i]);
    }
    int[] live = new int[b];
    Arrays.setAll(live, i -> i);
    try (NDManager m = model.manager().newSubManager()) {
      long[] next;
      int s0;
      int capacity;
      float[] keys;
      KvCache cache;
      try (NDManager prompt = m.newSubManager()) {
        Batch batch = Batch.ofRows(prompt, config, prompts, images, show);
        s0 = batch.prefix + batch.textLength;
        capacity = s0 + rows.steps - 1;
        keys = new float[b * capacity];
        Arrays.fill(keys, Batch.MASKED);
        long[] last = new long[b * d];
        for (int i = 0; i < b; i++) {
          int visible = Math.min(images.get(i).size(), config.maxImages()) * config.tokensPerImage();
          Arrays.fill(keys, i * capacity, i * capacity + visible, 0f);
          Arrays.fill(keys, i * capacity + batch.prefix, i * capacity + batch.prefix + rows.promptLength[i], 0f);
          Arrays.fill(last, i * d, (i + 1) * d, batch.prefix + rows.promptLength[i] - 1);
        }
        cache = model.newCache(m, capacity);
        NDArray logits = model.prefill(batch, prompt.create(last, new Shape(b, 1, d)), cache);
        next = greedy(logits, 0, live, rows, observer);
      }
      for (int step = 1; ; step++) {
        int going = 0;
        for (int r = 0; r < live.length; r++) {
          going += rows.advance(live[r], (int) next[r]) ? 1 : 0;
        }
        if (going == 0 || step >= rows.steps) {
          break;
        }
        if (going <= live.length / 2) {
          int[] kept = new int[going];
          long[] keptRows = new long[going];
          float[] keptKeys = new float[going * capacity];
          for (int r = 0, n = 0; r < live.length; r++) {
            if (!rows.done[live[r]]) {
              kept[n] = live[r];
              keptRows[n] = r;
              System.arraycopy(keys, r * capacity, keptKeys, n * capacity, capacity);
              n++;
            }
          }
          cache.keepRows(keptRows);
          live = kept;
          keys = keptKeys;
        }
        int n = live.length;
        int slot = s0 + step - 1;
        int width = slot + 1;
        long[] tokens = new long[n];
        long[] positions = new long[n];
        float[] mask = new float[n * width];
        for (int r = 0; r < n; r++) {
          int i = live[r];
          tokens[r] = rows.tokens[i][rows.length[i] - 1];
          positions[r] = Math.min(rows.length[i] - 1, config.maxTextTokens() - 1);
          keys[r * capacity + slot] = 0f;
          System.arraycopy(keys, r * capacity, mask, r * width, width);
        }
        try (NDManager m2 = m.newSubManager()) {
          NDArray logits = model.step(m2.create(tokens, new Shape(n, 1)), m2.create(positions, new Shape(n, 1)),
              m2.create(mask, new Shape(n, 1, 1, width)), cache);
          next = greedy(logits, step, live, rows, observer);
        }
      }
    }
  }

  /** The most likely token of each row's (rows, 1, V) logits; {@code rows} maps them to the chunk's rows. */
  private static long[] greedy(NDArray logits, int step, int[] rows, Rows state, StepLogits observer) {
    if (observer != null) {
      float[] all = logits.toFloatArray();
      int v = ByteTokenizer.VOCAB_SIZE;
      int going = 0;
      for (int row : rows) {
        going += state.done[row] ? 0 : 1;
      }
      int[] ids = new int[going];
      float[] picked = new float[going * v];
      for (int r = 0, n = 0; r < rows.length; r++) {
        if (!state.done[rows[r]]) {
          ids[n] = rows[r];
          System.arraycopy(all, r * v, picked, n * v, v);
          n++;
        }
      }
      observer.accept(step, ids, picked);
    }
    return logits.argMax(-1).toLongArray();
  }

  private static List<List<float[]>> images(List<ExampleLayout> chunk) {
    List<List<float[]>> images = new ArrayList<>(chunk.size());
    for (ExampleLayout s : chunk) {
      images.add(s.images);
    }
    return images;
  }

  /** One batch's decoding state: each row's prompt, what it has generated so far and when it stops. */
  static final class Rows {

    final int[][] tokens;
    final int[] length;
    final int[] promptLength;
    final int[] budget;
    final boolean[] done;
    /** The most steps any row may take. */
    final int steps;

    /** The tokenizer the rows' ids belong to: it measures references, finds specials and decodes answers. */
    final TextTokenizer tokenizer;

    Rows(List<ExampleLayout> chunk, int maxTextTokens, int answerMargin) {
      this(chunk, maxTextTokens, answerMargin, TextTokenizer.BYTES);
    }

    Rows(List<ExampleLayout> chunk, int maxTextTokens, int answerMargin, TextTokenizer tokenizer) {
      this.tokenizer = tokenizer;
      int b = chunk.size();
      tokens = new int[b][];
      length = new int[b];
      promptLength = new int[b];
      budget = new int[b];
      done = new boolean[b];
      int most = 0;
      for (int i = 0; i < b; i++) {
        ExampleLayout s = chunk.get(i);
        promptLength[i] = s.promptLength;
        length[i] = s.promptLength;
        int referenceTokens = tokenizer.encode(s.reference).length;
        budget[i] = Math.max(0, Math.min(referenceTokens + 1 + answerMargin, maxTextTokens - s.promptLength));
        tokens[i] = Arrays.copyOf(s.tokens, s.promptLength + budget[i]);
        done[i] = budget[i] == 0;
        most = Math.max(most, budget[i]);
      }
      steps = most;
    }

    /** Appends row {@code i}'s next greedy token unless the row is done; whether the row goes on. */
    boolean advance(int i, int token) {
      if (done[i]) {
        return false;
      }
      if (tokenizer.isSpecial(token)) {
        done[i] = true;
        return false;
      }
      tokens[i][length[i]++] = token;
      done[i] = length[i] - promptLength[i] >= budget[i];
      return !done[i];
    }

    List<String> answers() {
      List<String> answers = new ArrayList<>(tokens.length);
      for (int i = 0; i < tokens.length; i++) {
        answers.add(tokenizer.decode(tokens[i], promptLength[i], length[i]));
      }
      return answers;
    }
  }
}
