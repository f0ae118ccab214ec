package io.adaptstream.model;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a generated answer is scored against its reference; the benchmark is designed around this exact rule.
 *
 * <p>Both strings are normalised: Unicode NFKC (full-width forms become ASCII), lower case, whitespace
 * collapsed and trimmed, trailing {@code .}, {@code 。} and {@code !} removed. A reference of more than
 * {@value #EXACT_MAX_TOKENS} whitespace-separated tokens is scored by token F1 (multiset overlap of whitespace
 * tokens), a shorter one by exact match (1 or 0). Text without spaces (Chinese, Japanese) is one token, so it is
 * matched exactly.
 */
public final class AnswerMetric {

  /** References with at most this many tokens are matched exactly. */
  public static final int EXACT_MAX_TOKENS = 4;

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private AnswerMetric() {}

  public static String normalize(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    s = WHITESPACE.matcher(s).replaceAll(" ").trim();
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == '。' || s.charAt(end - 1) == '!'
        || s.charAt(end - 1) == ' ')) {
      end--;
    }
    return s.substring(0, end);
  }

  /** The score of {@code prediction} against {@code reference}, in [0, 1]. */
  public static double score(String prediction, String reference) {
    String ref = normalize(reference);
    String pred = normalize(prediction);
    String[] refTokens = tokens(ref);
    if (refTokens.length > EXACT_MAX_TOKENS) {
      return f1(tokens(pred), refTokens);
    }
    return pred.equals(ref) ? 1.0 : 0.0;
  }

  private static String[] tokens(String normalized) {
    return normalized.isEmpty() ? new String[0] : normalized.split(" ");
  }

  private static double f1(String[] pred, String[] ref) {
    if (pred.length == 0 || ref.length == 0) {
      return 0.0;
    }
    Map<String, Integer> counts = new HashMap<>();
    for (String t : ref) {
      counts.merge(t, 1, Integer::sum);
    }
    int overlap = 0;
    for (String t : pred) {
      Integer c = counts.get(t);
      if (c != null && c > 0) {
        overlap++;
        counts.put(t, c - 1);
      }
    }
    if (overlap == 0) {
      return 0.0;
    }
    double precision = (double) overlap / pred.length;
    double recall = (double) overlap / ref.length;
    return 2 * precision * recall / (precision + recall);
  }
}
