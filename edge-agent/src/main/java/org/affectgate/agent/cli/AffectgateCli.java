package org.affectgate.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code affectgate}: the edge agent's command line. Exit codes: 0 ok, 1 failure, 2 usage, config
 * or a failed start-up check. Failures are one line on stderr; {@code --verbose} (any subcommand)
 * adds the stack trace.
 */
@Command(
    name = "affectgate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Edge gateway for consented, k-anonymous emotion signals.",
    subcommands = {
      RunCommand.class,
      DemoCommand.class,
      CheckConfigCommand.class,
      ConsentCommand.class
    })
public final class AffectgateCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "On failure, print the stack trace after the one-line message.")
  boolean verbose;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured picocli command line; tests call {@code execute} on it. */
  public static CommandLine commandLine() {
    return new CommandLine(new AffectgateCli()).setExecutionExceptionHandler(new ErrorHandler());
  }
}
