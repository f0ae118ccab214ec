package io.adaptstream.blob;

import java.net.URI;

/** Where a blob lives and what it must hash to. */
public record BlobRef(String sha256, long size, URI uri) {

  public BlobRef {
    Sha256.requireHex(sha256);
  }
}
