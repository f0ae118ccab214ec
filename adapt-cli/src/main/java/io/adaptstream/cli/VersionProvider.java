package io.adaptstream.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest ("dev" when run from classes). */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String v = AdaptCli.class.getPackage().getImplementationVersion();
    return new String[] {"adapt " + (v == null ? "dev" : v)};
  }
}
