package io.adaptstream.cli.local;

/**
 * A port local mode chose or kept was taken by another program before the broker or the registry could listen on
 * it. Checking a port and binding it are two moments; a directory starting for the first time chooses again
 * ({@link LocalMode#start()}), one with kept ports reports it.
 */
final class PortConflictException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  PortConflictException(String message) {
    super(message);
  }

  PortConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
