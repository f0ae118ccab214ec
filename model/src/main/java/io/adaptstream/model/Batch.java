package io.adaptstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Padded model inputs for a few samples, as arrays on one (step-scoped) manager.
 *
 * <p>The sequence is {@code K × tokensPerImage} image-prefix positions followed by {@code T} text positions,
 * where K is the most images any sample in the batch shows and T the longest text; both shrink to what the
 * batch needs (a text-only batch has no prefix at all). The additive attention mask lets the prefix of a
 * sample's present images attend within itself (bidirectional), lets text attend causally to text and, when
 * the sample's image is shown, to its present images. Missing image slots and hidden images are invisible to
 * text; their rows see only themselves so every softmax row stays finite. Padding sits at the right end of the
 * text, where causality already hides it from real tokens.
 */
final class Batch {

  /** Added to disallowed attention scores; exp underflows to exactly 0 in float32. */
  static final float MASKED = -1e9f;

  final int size;
  final int imageSlots;
  final int prefix;
  final int textLength;
  final int[] lengths;
  /** (B, T) int64 token ids, PAD on the right. */
  final NDArray tokens;
  /** (B, 1, S, S) float additive attention mask. */
  final NDArray mask;
  /** (B, K, 3, H, W) float pixels, or null when K = 0. */
  final NDArray images;
  /** (B, S, 1) float: 1/count on positions that hold content (shown image tokens, non-PAD text), else 0. */
  final NDArray pool;
  /** (B, T-1) int64 next-token targets, or null without answer flags. */
  final NDArray targets;
  /** (B, T-1) float: 1 where the target is an answer token. */
  final NDArray weights;
  /** (B) float: 1 / number of answer tokens. */
  final NDArray invAnswerCount;
  /** Answer-token weights per sample on the host, row-major (B, T-1). */
  final float[] hostWeights;
  final int[] answerCount;

  private Batch(int size, int imageSlots, int prefix, int textLength, int[] lengths, NDArray tokens, NDArray mask,
      NDArray images, NDArray pool, NDArray targets, NDArray weights, NDArray invAnswerCount, float[] hostWeights,
      int[] answerCount) {
    this.size = size;
    this.imageSlots = imageSlots;
    this.prefix = prefix;
    this.textLength = textLength;
    this.lengths = lengths;
    this.tokens = tokens;
    this.mask = mask;
    this.images = images;
    this.pool = pool;
    this.targets = targets;
    this.weights = weights;
    this.invAnswerCount = invAnswerCount;
    this.hostWeights = hostWeights;
    this.answerCount = answerCount;
  }

  /** A training/scoring batch: full sequences with answer flags. */
  static Batch of(NDManager manager, ModelConfig config, List<ExampleLayout> samples, boolean[] showImage) {
    int b = samples.size();
    int[][] rows = new int[b][];
    boolean[][] answers = new boolean[b][];
    List<List<float[]>> images = new java.util.ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      ExampleLayout s = samples.get(i);
      rows[i] = s.tokens;
      answers[i] = s.answer;
      images.add(s.images);
    }
    return build(manager, config, rows, answers, images, showImage);
  }

  /** Inputs for arbitrary token rows (generation); no targets. */
  static Batch ofRows(NDManager manager, ModelConfig config, int[][] rows, List<List<float[]>> images,
      boolean[] showImage) {
    return build(manager, config, rows, null, images, showImage);
  }

  private static Batch build(NDManager manager, ModelConfig config, int[][] rows, boolean[][] answers,
      List<List<float[]>> images, boolean[] showImage) {
    int b = rows.length;
    if (b == 0) {
      throw new IllegalArgumentException("empty batch");
    }
    int tpi = config.tokensPerImage();
    int[] shown = new int[b];
    int k = 0;
    int t = 0;
    int[] lengths = new int[b];
    for (int i = 0; i < b; i++) {
      shown[i] = showImage[i] ? Math.min(images.get(i).size(), config.maxImages()) : 0;
      k = Math.max(k, shown[i]);
      lengths[i] = rows[i].length;
      t = Math.max(t, rows[i].length);
    }
    int p = k * tpi;
    int s = p + t;

    long[] tok = new long[b * t];
    java.util.Arrays.fill(tok, ByteTokenizer.PAD);
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < rows[i].length; j++) {
        tok[i * t + j] = rows[i][j];
      }
    }

    float[] mask = new float[b * s * s];
    java.util.Arrays.fill(mask, MASKED);
    float[] pool = new float[b * s];
    for (int i = 0; i < b; i++) {
      int base = i * s * s;
      int visible = shown[i] * tpi;
      for (int r = 0; r < s; r++) {
        int row = base + r * s;
        if (r < p) {
          if (r < visible) {
            java.util.Arrays.fill(mask, row, row + visible, 0f);
          } else {
            mask[row + r] = 0f;
          }
        } else {
          java.util.Arrays.fill(mask, row, row + visible, 0f);
          java.util.Arrays.fill(mask, row + p, row + r + 1, 0f);
        }
      }
      float count = visible + lengths[i];
      for (int j = 0; j < visible; j++) {
        pool[i * s + j] = 1f / count;
      }
      for (int j = 0; j < lengths[i]; j++) {
        pool[i * s + p + j] = 1f / count;
      }
    }

    NDArray imagesArray = null;
    if (k > 0) {
      int px = 3 * config.imageSize() * config.imageSize();
      float[] pixels = new float[b * k * px];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < shown[i]; j++) {
          System.arraycopy(images.get(i).get(j), 0, pixels, (i * k + j) * px, px);
        }
      }
      imagesArray = manager.create(pixels, new Shape(b, k, 3, config.imageSize(), config.imageSize()));
    }

    AnswerTargets at = AnswerTargets.of(manager, rows, answers, t);
    return new Batch(b, k, p, t, lengths, manager.create(tok, new Shape(b, t)),
        manager.create(mask, new Shape(b, 1, s, s)), imagesArray, manager.create(pool, new Shape(b, s, 1)),
        at.targets(), at.weights(), at.invAnswerCount(), at.hostWeights(),
        at.answerCount());
  }

  /** The model's inputs: tokens, mask and, when there is a prefix, images. */
  NDList inputs() {
    return images == null ? new NDList(tokens, mask) : new NDList(tokens, mask, images);
  }

  /**
   * Mean negative log-likelihood of each sample's answer tokens, shape (B). Built only from array-array
   * operations: a Java-number operand would be freed before backward reads it (CPU scalar bug).
   */
  NDArray answerNll(NDArray logits) {
    return answerNll(logits, targets, weights, invAnswerCount);
  }

  /** {@link #answerNll(NDArray)} for any (B, T, V) logits with (B, T-1) targets and weights and (B) 1/counts. */
  static NDArray answerNll(NDArray logits, NDArray targets, NDArray weights, NDArray invAnswerCount) {
    NDArray logp = logits.get(":, :-1, :").logSoftmax(-1);
    NDArray picked = logp.gather(targets.expandDims(-1), -1).squeeze(-1);
    return picked.mul(weights).sum(new int[] {1}).mul(invAnswerCount).neg();
  }
}
