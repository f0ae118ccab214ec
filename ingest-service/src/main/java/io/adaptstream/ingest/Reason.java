package io.adaptstream.ingest;

/**
 * Why a dataset entry was rejected. The {@link #code()} is what the DLQ record, the release's counts and the
 * result line carry, so operators can grep and count them.
 */
public enum Reason {
  /** Not parseable JSON, not an object, or a broken file structure around the entry. */
  MALFORMED_JSON,
  /** Bytes that are not UTF-8, or a {@code \\u} escape that leaves a lone surrogate. */
  INVALID_UTF8,
  /** A required field is absent. */
  MISSING_FIELD,
  /** A field has the wrong type or an illegal value. */
  BAD_FIELD,
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
