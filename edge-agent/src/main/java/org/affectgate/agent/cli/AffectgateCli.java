package org.affectgate.agent.cli;

import java.util.concurrent.CountDownLatch;
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
      CheckConfigCommand.class,
      ConsentCommand.class,
      SelftestCommand.class,
      ModelsCommand.class
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

  /**
   * The configured picocli command line; tests call {@code execute} on it. Other modules add their
   * own subcommands to it ({@code addSubcommand}: the demo module adds {@code demo}) and so keep
   * this one's {@code --verbose}, {@code --version} and one-line error handling.
   */
  public static CommandLine commandLine() {
    return new CommandLine(new AffectgateCli()).setExecutionExceptionHandler(new ErrorHandler());
  }

  /**
   * Blocks the calling thread until the JVM is asked to stop (SIGINT, SIGTERM), then closes {@code
   * closeables} in the given order in the shutdown hook; a close that throws is reported on stderr
   * and the rest are still closed.
   *
   * @throws InterruptedException when the calling thread is interrupted while waiting
   */
  public static void awaitShutdown(AutoCloseable... closeables) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (AutoCloseable c : closeables) {
                    try {
                      c.close();
                    } catch (Exception e) {
                      System.err.println("affectgate: error while stopping: " + e);
                    }
                  }
                  stopped.countDown();
                },
                "affectgate-shutdown"));
    stopped.await();
  }
}
