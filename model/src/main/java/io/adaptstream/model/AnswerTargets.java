package io.adaptstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The next-token targets of a batch and which of them are answer tokens: what every learner's loss and per-sample
 * signals are computed on. One layout for all learners, so "the loss over answer tokens" means the same for each.
 *
 * @param targets {@code [B, T-1]} token ids, position j holding token j+1 of the row (PAD past its end)
 * @param weights {@code [B, T-1]} 1 on answer tokens, 0 elsewhere
 * @param invAnswerCount {@code [B]} 1 / the row's answer tokens (0 for a row without any)
 * @param hostWeights {@code weights} on the host
 * @param answerCount answer tokens per row
 */
record AnswerTargets(NDArray targets, NDArray weights, NDArray invAnswerCount, float[] hostWeights,
    int[] answerCount) {

  /** No targets: a batch without answers, or rows too short to predict anything. */
  static final AnswerTargets NONE = new AnswerTargets(null, null, null, null, null);

  /**
   * @param rows token ids per row, at most {@code t} each
   * @param answers per row and position, whether the token is part of an answer; null for none
   * @param t the batch's padded length
   */
  static AnswerTargets of(NDManager manager, int[][] rows, boolean[][] answers, int t) {
    return of(manager, rows, answers, t, ByteTokenizer.PAD);
  }

  /** As {@link #of(NDManager, int[][], boolean[][], int)} for a tokenizer whose padding id is {@code pad}. */
  static AnswerTargets of(NDManager manager, int[][] rows, boolean[][] answers, int t, int pad) {
    int b = rows.length;
    if (answers == null || t < 2) {
      return NONE;
    }
    long[] tgt = new long[b * (t - 1)];
    float[] hostWeights = new float[b * (t - 1)];
    int[] counts = new int[b];
    float[] invCount = new float[b];
    Arrays.fill(tgt, pad);
    for (int i = 0; i < b; i++) {
      for (int j = 1; j < rows[i].length; j++) {
        tgt[i * (t - 1) + j - 1] = rows[i][j];
        if (answers[i][j]) {
          hostWeights[i * (t - 1) + j - 1] = 1f;
          counts[i]++;
        }
      }
      invCount[i] = counts[i] == 0 ? 0f : 1f / counts[i];
    }
    return new AnswerTargets(manager.create(tgt, new Shape(b, t - 1)),
        manager.create(hostWeights, new Shape(b, t - 1)), manager.create(invCount, new Shape(b)), hostWeights,
        counts);
  }
}
