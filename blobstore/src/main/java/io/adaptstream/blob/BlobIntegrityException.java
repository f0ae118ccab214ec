package io.adaptstream.blob;

import java.io.IOException;

/** A blob whose bytes no longer hash to its key: corrupt storage or a tampered file. */
public class BlobIntegrityException extends IOException {

  private static final long serialVersionUID = 1L;

  public BlobIntegrityException(String message) {
    super(message);
  }
}
