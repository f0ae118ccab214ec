package io.adaptstream.schemas.registry;

/**
 * An error answer of a Confluent-API schema registry: the HTTP status plus Confluent's {@code error_code}
 * (e.g. 40401 subject not found, 40403 schema not found, 409 incompatible, 42201 invalid schema), or no answer
 * at all.
 *
 * <p>{@link #unavailable()} tells a registry that is down or overloaded (no answer, 5xx, 429: worth waiting
 * for) from one that answered no (4xx: retrying changes nothing). Readers that dead-letter unreadable records
 * must not dead-letter a record because the registry is unavailable: the record is fine, the registry is not.
 */
public class SchemaRegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final int errorCode;
  private final boolean unavailable;

  public SchemaRegistryException(int status, int errorCode, String message) {
    super(message + " (HTTP " + status + ", error_code " + errorCode + ")");
    this.status = status;
    this.errorCode = errorCode;
    this.unavailable = status >= 500 || status == 429;
  }

  /** The registry did not answer (connection refused, timeout, broken connection). */
  public SchemaRegistryException(String message, Throwable cause) {
    this(message, cause, -1, -1, true);
  }

  SchemaRegistryException(String message, Throwable cause, int status, int errorCode, boolean unavailable) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
    this.unavailable = unavailable;
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }

  /** True when the registry did not answer or answered 5xx or 429: it may answer later. */
  public boolean unavailable() {
    return unavailable;
  }

  /** True when {@code e} or one of its causes is an {@link #unavailable()} registry. */
  public static boolean isUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException sre) {
        return sre.unavailable();
      }
    }
    return false;
  }
}
