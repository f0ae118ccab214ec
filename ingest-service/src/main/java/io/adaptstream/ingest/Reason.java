package io.adaptstream.ingest;

/**
 * Why a dataset entry was rejected. The {@link #code()} is what the DLQ record, the release's counts and the
 * result line carry, so operators can grep and count them.
 */
public enum Reason {
  /** Not parseable JSON, not an object, or a broken file structure around the entry. */
  MALFORMED_JSON,
  /** Bytes that cannot be decoded as UTF-8 (other than a surrogate encoded as bytes: {@link #INVALID_TEXT}). */
  INVALID_UTF8,
  /**
   * Decodable text that is not acceptable Unicode text: an unpaired surrogate in any string, or a control
   * character or noncharacter in a field the pipeline reads (the rules: {@link TextPolicy}).
   */
  INVALID_TEXT,
  /** The same key twice in one JSON object (at any depth). */
  DUPLICATE_KEY,
  /** Arrays and objects nested deeper than the limit. */
  TOO_DEEP,
  /** A required field is absent. */
  MISSING_FIELD,
  /** A field has the wrong type (e.g. a number where a string is expected) or an illegal value. */
  BAD_FIELD,
  /** The {@code id} is longer than the limit. */
  ID_TOO_LONG,
  /** {@code conversations} is empty. */
  EMPTY_CONVERSATION,
  /** No gpt turn, an unknown role, blank text, too many turns, or more {@code <image>} placeholders than images. */
  BAD_CONVERSATION,
  /** The conversation's text (or the raw entry) is over the limit. */
  TEXT_TOO_LONG,
  /** More images than allowed. */
  TOO_MANY_IMAGES,
  /** An image path that is absolute, contains {@code ..}, or resolves (through a symlink) outside the image root. */
  PATH_ESCAPE,
  /** An image file that does not exist or is not a regular file. */
  MISSING_IMAGE,
  /** An image that cannot be decoded. */
  CORRUPT_IMAGE,
  /** An image that is neither PNG nor JPEG. */
  UNSUPPORTED_IMAGE_FORMAT,
  /** An image over the byte, pixel or side limit. */
  IMAGE_TOO_LARGE;

  /** The short machine-readable code, e.g. {@code missing_image}. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
