package io.adaptstream.ingest;

import java.util.Objects;

/** A reason and a human-readable detail for a rejected dataset entry. */
record Rejection(Reason reason, String detail) {

  Rejection {
    Objects.requireNonNull(reason, "reason");
    detail = detail == null ? "" : detail;
  }
}
