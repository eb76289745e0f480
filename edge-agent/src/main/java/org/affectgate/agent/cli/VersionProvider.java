package org.affectgate.agent.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version Maven wrote into the jar manifest ("dev" when run from classes). */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = AffectgateCli.class.getPackage().getImplementationVersion();
    return new String[] {"affectgate " + (v == null ? "dev" : v)};
  }
}
