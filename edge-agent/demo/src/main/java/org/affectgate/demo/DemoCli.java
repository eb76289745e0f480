package org.affectgate.demo;

import org.affectgate.agent.cli.AffectgateCli;
import picocli.CommandLine;

/**
 * Main class of {@code affectgate-demo.jar}: the agent's command line ({@link AffectgateCli}:
 * {@code run}, {@code check-config}, {@code consent}, with its {@code --verbose} and one-line
 * errors) plus {@code demo}. The demo lives in its own jar so that the production jar {@code
 * affectgate.jar} carries no MQTT broker; {@code consent} here works on a demo's data directory.
 */
public final class DemoCli {
  private DemoCli() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The agent's command line with {@code demo} added; tests call {@code execute} on it. */
  static CommandLine commandLine() {
    return AffectgateCli.commandLine().addSubcommand(new DemoCommand());
  }
}
