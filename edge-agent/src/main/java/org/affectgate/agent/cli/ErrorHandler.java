package org.affectgate.agent.cli;

import org.affectgate.agent.config.ConfigException;
import org.affectgate.agent.startup.StartupException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr, {@code affectgate: <what, naming the key or file>}:
 * configuration errors and failed start-up checks ({@link ConfigException}, {@link
 * StartupException}) exit 2, anything else 1. No stack trace is printed unless {@code --verbose}
 * was given (or the system property {@value #DEBUG_PROPERTY} is {@code true}): an operator reading
 * {@code journalctl} needs the cause, not 30 frames; a developer can ask for them.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  static final String DEBUG_PROPERTY = "affectgate.debug";

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    boolean verbose = verbose(parsed);
    int code;
    String line;
    if (e instanceof ConfigException || e instanceof StartupException) {
      code = 2;
      line = oneLine(e.getMessage());
    } else if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      code = 1;
      line = oneLine(e.getMessage());
    } else {
      code = 1;
      line =
          "unexpected error: "
              + describe(e)
              + (verbose ? "" : " (--verbose prints the stack trace)");
    }
    cmd.getErr().println("affectgate: " + line);
    if (verbose) {
      e.printStackTrace(cmd.getErr());
    }
    return code;
  }

  /** The exception's message with its root cause's, on one line. */
  static String describe(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
      message += ": " + root.getMessage();
    }
    return oneLine(message);
  }

  private static boolean verbose(ParseResult parsed) {
    if (Boolean.getBoolean(DEBUG_PROPERTY)) {
      return true;
    }
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
