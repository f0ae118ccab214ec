package io.adaptstream.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Byte-level tokens: the 256 UTF-8 byte values plus four specials (vocabulary 260).
 *
 * <p>Bytes need no learned vocabulary, so every language (and any script the benchmark invents) is covered by
 * the same 260 ids and a checkpoint never depends on a tokenizer file.
 */
public final class ByteTokenizer {

  /** Start of every sequence. */
  public static final int BOS = 256;
  /** End of an answer (a gpt turn); generation stops here. */
  public static final int EOS = 257;
  /** Padding to the batch's length; never attended to by real tokens, never a target. */
  public static final int PAD = 258;
  /** End of a human turn. */
  public static final int SEP = 259;
  public static final int VOCAB_SIZE = 260;

  private ByteTokenizer() {}

  /** The UTF-8 bytes of {@code text} as token ids 0..255. */
  public static int[] encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xFF;
    }
    return ids;
  }

  /** Byte tokens back to text, skipping specials; malformed UTF-8 becomes U+FFFD. */
  public static String decode(int[] ids, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, to - from));
    for (int i = from; i < to; i++) {
      if (ids[i] >= 0 && ids[i] < 256) {
        out.write(ids[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  public static String decode(int[] ids) {
    return decode(ids, 0, ids.length);
  }

  public static boolean isSpecial(int id) {
    return id >= 256;
  }
}
