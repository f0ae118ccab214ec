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
 */
public record ValidationLimits(long maxImageBytes, long maxImagePixels, int maxImageSide, int maxTextBytes,
    int maxTurns, int maxImages) {

  public ValidationLimits {
    if (maxImageBytes < 1 || maxImagePixels < 1 || maxImageSide < 1 || maxTextBytes < 1 || maxTurns < 1
        || maxImages < 0) {
      throw new IllegalArgumentException("invalid validation limits: " + maxImageBytes + ", " + maxImagePixels
          + ", " + maxImageSide + ", " + maxTextBytes + ", " + maxTurns + ", " + maxImages);
    }
  }

  /** The defaults of {@link IngestConfig}. */
  public static ValidationLimits defaults() {
    return new ValidationLimits(20L * 1024 * 1024, 64_000_000L, 8192, 65_536, 64, 16);
  }

  /**
   * The most raw bytes one dataset entry may take before it is rejected without parsing: its text may be
   * escaped ({@code \\uXXXX} is 6 bytes per character) and it carries field names, ids and image paths.
   */
  public int maxEntryBytes() {
    return (int) Math.min(Integer.MAX_VALUE - 8, 8L * maxTextBytes + 64L * 1024 + 4096L * maxImages);
  }
}
