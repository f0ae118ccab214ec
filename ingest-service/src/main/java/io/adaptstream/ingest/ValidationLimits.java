package io.adaptstream.ingest;

/**
 * The bounds a sample must respect to be accepted (see {@link IngestConfig} for the keys and defaults).
 *
 * @param maxImageBytes largest image file, bytes
 * @param maxImagePixels largest width x height
 * @param maxImageSide largest width or height
 * @param maxTextBytes largest total conversation text per sample, UTF-8 bytes
 * @param maxTurns most turns per conversation
 * @param maxImages most images per sample
 * @param maxIdChars longest {@code id}, in Unicode characters (code points)
 * @param maxNestingDepth deepest nesting of arrays and objects in one entry, the entry object itself being 1;
 *     a LLaVA entry needs 3 (entry, {@code conversations}, turn)
 */
public record ValidationLimits(long maxImageBytes, long maxImagePixels, int maxImageSide, int maxTextBytes,
    int maxTurns, int maxImages, int maxIdChars, int maxNestingDepth) {

  /** The least nesting an entry needs: the entry, its {@code conversations} array, a turn object. */
  public static final int MIN_NESTING_DEPTH = 3;

  /**
   * The most nesting that may be configured: the entry's tree is walked recursively after parsing, so the
   * limit also bounds the stack it takes.
   */
  public static final int MAX_NESTING_DEPTH = 1000;

  public ValidationLimits {
    if (maxImageBytes < 1 || maxImagePixels < 1 || maxImageSide < 1 || maxTextBytes < 1 || maxTurns < 1
        || maxImages < 0 || maxIdChars < 1 || maxNestingDepth < MIN_NESTING_DEPTH
        || maxNestingDepth > MAX_NESTING_DEPTH) {
      throw new IllegalArgumentException("invalid validation limits: " + maxImageBytes + ", " + maxImagePixels
          + ", " + maxImageSide + ", " + maxTextBytes + ", " + maxTurns + ", " + maxImages + ", " + maxIdChars
          + ", " + maxNestingDepth);
    }
  }

  /** The defaults of {@link IngestConfig}. */
  public static ValidationLimits defaults() {
    return new ValidationLimits(20L * 1024 * 1024, 64_000_000L, 8192, 65_536, 64, 16, 256, 32);
  }

  /**
   * The most raw bytes one dataset entry may take before it is rejected without parsing: its text may be
   * escaped ({@code \\uXXXX} is 6 bytes per character) and it carries field names, ids and image paths.
   */
  public int maxEntryBytes() {
    return (int) Math.min(Integer.MAX_VALUE - 8, 8L * maxTextBytes + 64L * 1024 + 4096L * maxImages);
  }
}
