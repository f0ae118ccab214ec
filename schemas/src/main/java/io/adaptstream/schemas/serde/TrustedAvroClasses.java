package io.adaptstream.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to load record classes by name unless they are trusted. Our generated records live in one
 * package; this adds exactly that package to Avro's global trust, once, before any of our serdes runs.
 */
final class TrustedAvroClasses {

  static final String PACKAGE = "io.adaptstream.avro.";

  static {
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
        ClassSecurityValidator.getGlobal(), c -> c.getName().startsWith(PACKAGE)));
  }

  private TrustedAvroClasses() {}

  static void ensure() {
    // the static initialiser did the work
  }
}
