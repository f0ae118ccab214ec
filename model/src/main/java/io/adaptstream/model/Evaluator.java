package io.adaptstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a model on test examples: greedy decoding of each example's final answer given everything before it,
 * then {@link AnswerMetric} against the reference, averaged per {@link Example#group()}.
 *
 * <p>Decoding is batched: prompts are right-padded (causal attention never looks right, so padding is
 * invisible), every step reruns the network on the batch and appends the most likely byte to the rows still
 * going. A row stops at a special token (normally EOS) or after its budget of new tokens: the reference's
 * length plus EOS plus a margin, within {@link ModelConfig#maxTextTokens()}. Prompts are truncated exactly as
 * in training. Forward only; no {@link GradientLock} is needed.
 */
public final class Evaluator {

  /** The group of examples whose {@link Example#group()} is null. */
  public static final String UNGROUPED = "ungrouped";

  private final int batchSize;
  private final int answerMargin;

  /** Batches of 32, a margin of 8 tokens beyond the reference's length. */
  public Evaluator() {
    this(32, 8);
  }

  public Evaluator(int batchSize, int answerMargin) {
    if (batchSize < 1 || answerMargin < 0) {
      throw new IllegalArgumentException("batchSize must be >= 1 and answerMargin >= 0");
    }
    this.batchSize = batchSize;
    this.answerMargin = answerMargin;
  }

  public EvalReport evaluate(VisionLanguageModel model, List<Example> tests) {
    if (tests.isEmpty()) {
      throw new IllegalArgumentException("no test examples to evaluate");
    }
    List<Sample> samples = Sample.of(tests, model.config());
    List<String> answers = generateAll(model, samples);
    Map<String, List<Double>> scores = new HashMap<>();
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
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
    return generateAll(model, Sample.of(examples, model.config()));
  }

  private List<String> generateAll(VisionLanguageModel model, List<Sample> samples) {
    // batches of similar shape; a row's answer does not depend on its batch companions
    List<Integer> order = Sample.orderByShape(samples);
    String[] out = new String[samples.size()];
    for (int from = 0; from < samples.size(); from += batchSize) {
      List<Integer> ids = order.subList(from, Math.min(samples.size(), from + batchSize));
      List<Sample> chunk = new ArrayList<>(ids.size());
      for (int id : ids) {
        chunk.add(samples.get(id));
      }
      List<String> answers = VisionLanguageModel.withoutGradients(() -> generateBatch(model, chunk));
      for (int i = 0; i < ids.size(); i++) {
        out[ids.get(i)] = answers.get(i);
      }
    }
    return Arrays.asList(out);
  }

  private List<String> generateBatch(VisionLanguageModel model, List<Sample> chunk) {
    ModelConfig config = model.config();
    int b = chunk.size();
    int max = config.maxTextTokens();
    int[][] rows = new int[b][];
    int[] length = new int[b];
    int[] promptLength = new int[b];
    int[] budget = new int[b];
    boolean[] done = new boolean[b];
    List<List<float[]>> images = new ArrayList<>(b);
    boolean[] show = new boolean[b];
    int steps = 0;
    for (int i = 0; i < b; i++) {
      Sample s = chunk.get(i);
      promptLength[i] = s.promptLength;
      length[i] = s.promptLength;
      int referenceBytes = ByteTokenizer.encode(s.reference).length;
      budget[i] = Math.max(0, Math.min(referenceBytes + 1 + answerMargin, max - s.promptLength));
      rows[i] = Arrays.copyOf(s.tokens, s.promptLength + budget[i]);
      done[i] = budget[i] == 0;
      images.add(s.images);
      show[i] = true;
      steps = Math.max(steps, budget[i]);
    }
    for (int step = 0; step < steps; step++) {
      int[][] current = new int[b][];
      for (int i = 0; i < b; i++) {
        current[i] = Arrays.copyOf(rows[i], length[i]);
      }
      long[] next;
      try (NDManager m = model.manager().newSubManager()) {
        Batch batch = Batch.ofRows(m, config, current, images, show);
        NDArray logits = model.forward(batch, false, null).get(0);
        long[] index = new long[b * ByteTokenizer.VOCAB_SIZE];
        for (int i = 0; i < b; i++) {
          Arrays.fill(index, i * ByteTokenizer.VOCAB_SIZE, (i + 1) * ByteTokenizer.VOCAB_SIZE, length[i] - 1);
        }
        NDArray last = logits.gather(m.create(index, new Shape(b, 1, ByteTokenizer.VOCAB_SIZE)), 1);
        next = last.argMax(-1).toLongArray();
      }
      boolean any = false;
      for (int i = 0; i < b; i++) {
        if (done[i]) {
          continue;
        }
        int token = (int) next[i];
        if (ByteTokenizer.isSpecial(token)) {
          done[i] = true;
          continue;
        }
        rows[i][length[i]++] = token;
        done[i] = length[i] - promptLength[i] >= budget[i];
        any |= !done[i];
      }
      if (!any) {
        break;
      }
    }
    List<String> answers = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      answers.add(ByteTokenizer.decode(rows[i], promptLength[i], length[i]));
    }
    return answers;
  }
}
