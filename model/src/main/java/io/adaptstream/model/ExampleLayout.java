package io.adaptstream.model;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * An {@link Example} laid out for the model once: token ids, which tokens are answer tokens, and the decoded,
 * resized images (decoding is the costly part, so a call prepares each example once and reuses it for every
 * epoch or pass).
 */
final class ExampleLayout {

  private static final String IMAGE_PLACEHOLDER = "<image>";

  final String id;
  final String group;
  /** BOS, the kept turns, the final answer and its EOS (unless the answer alone had to be cut). */
  final int[] tokens;
  /** {@code answer[i]}: token i is a gpt token or a gpt EOS, so predicting it counts in the loss. */
  final boolean[] answer;
  /** Where the final answer starts: {@code tokens[0, promptLength)} is the prompt for generation. */
  final int promptLength;
  /** The final answer's text (the reference for evaluation). */
  final String reference;
  /** Decoded images, at most {@code maxImages}, each {@code 3 × imageSize²}. */
  final List<float[]> images;

  private ExampleLayout(String id, String group, int[] tokens, boolean[] answer, int promptLength, String reference,
      List<float[]> images) {
    this.id = id;
    this.group = group;
    this.tokens = tokens;
    this.answer = answer;
    this.promptLength = promptLength;
    this.reference = reference;
    this.images = images;
  }

  static List<ExampleLayout> of(List<Example> examples, ModelConfig config) {
    List<ExampleLayout> out = new ArrayList<>(examples.size());
    for (Example e : examples) {
      out.add(of(e, config));
    }
    return out;
  }

  static ExampleLayout of(Example example, ModelConfig config) {
    return of(example, config.maxTextTokens(), config.maxImages(), config.imageSize());
  }

  static List<ExampleLayout> of(List<Example> examples, int maxTextTokens, int maxImages, int imageSize) {
    return of(examples, maxTextTokens, maxImages, imageSize, TextTokenizer.BYTES);
  }

  static List<ExampleLayout> of(List<Example> examples, int maxTextTokens, int maxImages, int imageSize,
      TextTokenizer tokenizer) {
    List<ExampleLayout> out = new ArrayList<>(examples.size());
    for (Example e : examples) {
      out.add(of(e, maxTextTokens, maxImages, imageSize, tokenizer));
    }
    return out;
  }

  /** The layout for any model fed byte tokens: at most {@code maxTextTokens} text positions and {@code maxImages}. */
  static ExampleLayout of(Example example, int maxTextTokens, int maxImages, int imageSize) {
    return of(example, maxTextTokens, maxImages, imageSize, TextTokenizer.BYTES);
  }

  /**
   * The layout with {@code tokenizer}'s ids: BOS, then each kept turn's tokens ended by SEP (human) or EOS (gpt);
   * at most {@code maxTextTokens} text positions and {@code maxImages} images.
   */
  static ExampleLayout of(Example example, int maxTextTokens, int maxImages, int imageSize,
      TextTokenizer tokenizer) {
    List<Turn> turns = example.turns();
    int last = -1;
    for (int i = turns.size() - 1; i >= 0; i--) {
      if (!turns.get(i).human()) {
        last = i;
        break;
      }
    }
    if (last < 0) {
      throw new InvalidExampleException(example.id(), "has no gpt (answer) turn among its " + turns.size()
          + " turn(s)");
    }
    int[][] segments = new int[last + 1][];
    for (int i = 0; i <= last; i++) {
      Turn t = turns.get(i);
      int[] text = tokenizer.encode(t.human() ? t.text().replace(IMAGE_PLACEHOLDER, "").trim() : t.text());
      int[] seg = Arrays.copyOf(text, text.length + 1);
      seg[text.length] = t.human() ? tokenizer.sep() : tokenizer.eos();
      segments[i] = seg;
    }
    int max = maxTextTokens;
    // the smallest set of turns kept: the final answer and the human turn just before it
    int minStart = last >= 1 && turns.get(last - 1).human() ? last - 1 : last;
    int start = 0;
    int total = 1;
    for (int[] seg : segments) {
      total += seg.length;
    }
    while (total > max && start < minStart) {
      total -= segments[start].length;
      start++;
    }
    int[] answerSeg = segments[last];
    int promptLen = 0;
    for (int i = start; i < last; i++) {
      promptLen += segments[i].length;
    }
    int[] tokens;
    boolean[] answer;
    int promptLength;
    if (1 + answerSeg.length > max) {
      // the answer alone does not fit: no prompt, the answer cut on the right
      tokens = new int[max];
      answer = new boolean[max];
      tokens[0] = tokenizer.bos();
      System.arraycopy(answerSeg, 0, tokens, 1, max - 1);
      Arrays.fill(answer, 1, max, true);
      promptLength = 1;
    } else {
      int keep = Math.min(promptLen, max - 1 - answerSeg.length);
      int cut = promptLen - keep;
      tokens = new int[1 + keep + answerSeg.length];
      answer = new boolean[tokens.length];
      tokens[0] = tokenizer.bos();
      int pos = 1;
      int skipped = 0;
      for (int i = start; i <= last; i++) {
        boolean gpt = !turns.get(i).human();
        for (int tok : segments[i]) {
          if (i < last && skipped < cut) {
            skipped++;
            continue;
          }
          tokens[pos] = tok;
          answer[pos] = gpt;
          pos++;
        }
      }
      promptLength = 1 + keep;
    }
    List<float[]> images = new ArrayList<>();
    List<byte[]> encoded = example.images();
    for (int i = 0; i < Math.min(encoded.size(), maxImages); i++) {
      try {
        images.add(ImagePixels.decode(encoded.get(i), imageSize));
      } catch (IOException e) {
        throw new InvalidExampleException(example.id(), "image " + i + ": " + e.getMessage(), e);
      }
    }
    return new ExampleLayout(example.id(), example.group(), tokens, answer, promptLength, turns.get(last).text(),
        List.copyOf(images));
  }

  /**
   * Indices of {@code samples} ordered by image count, then text length (stable). Consecutive samples in this
   * order make batches with little padding: a batch is as long as its longest sample and has as many image
   * slots as its sample with the most images.
   */
  static List<Integer> orderByShape(List<ExampleLayout> samples) {
    List<Integer> order = new ArrayList<>(samples.size());
    for (int i = 0; i < samples.size(); i++) {
      order.add(i);
    }
    order.sort(java.util.Comparator.<Integer>comparingInt(i -> samples.get(i).images.size())
        .thenComparingInt(i -> samples.get(i).tokens.length));
    return order;
  }

  /**
   * Runs {@code batch} on micro-batches of similar shape ({@link #orderByShape}) and returns its results in the
   * order of {@code samples}. For work whose result per sample does not depend on its batch companions.
   */
  static <T> List<T> inShapeBatches(List<ExampleLayout> samples, int microBatch,
      Function<List<ExampleLayout>, List<T>> batch) {
    List<Integer> order = orderByShape(samples);
    List<T> out = new ArrayList<>(Collections.nCopies(samples.size(), (T) null));
    for (int from = 0; from < samples.size(); from += microBatch) {
      List<Integer> ids = order.subList(from, Math.min(samples.size(), from + microBatch));
      List<ExampleLayout> chunk = new ArrayList<>(ids.size());
      for (int id : ids) {
        chunk.add(samples.get(id));
      }
      List<T> results = batch.apply(chunk);
      for (int i = 0; i < ids.size(); i++) {
        out.set(ids.get(i), results.get(i));
      }
    }
    return out;
  }

  /** Number of answer tokens (the loss's denominator); at least one. */
  int answerCount() {
    int n = 0;
    for (boolean a : answer) {
      n += a ? 1 : 0;
    }
    return n;
  }
}
