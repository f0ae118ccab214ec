package io.adaptstream.scoring;

/** A request that cannot be scored, with the dead-letter reason that says why. */
final class UnscorableException extends Exception {

  private static final long serialVersionUID = 1L;
  private final DeadLetterReason reason;

  UnscorableException(DeadLetterReason reason, String message) {
    this(reason, message, null);
  }

  UnscorableException(DeadLetterReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Wraps a failure, naming the reason it maps to. */
  static UnscorableException of(Throwable failure) {
    if (failure instanceof UnscorableException u) {
      return u;
    }
    return new UnscorableException(DeadLetterReason.of(failure), String.valueOf(failure.getMessage()), failure);
  }

  DeadLetterReason reason() {
    return reason;
  }
}
