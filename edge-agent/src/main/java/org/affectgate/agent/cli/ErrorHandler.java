package org.affectgate.agent.cli;

import org.affectgate.agent.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one clear line on stderr: configuration errors exit 2, anything else 1 (with
 * the stack trace only for unexpected exceptions, which are bugs).
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    if (e instanceof ConfigException) {
      cmd.getErr().println("affectgate: " + e.getMessage());
      return 2;
    }
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      cmd.getErr().println("affectgate: " + e.getMessage());
      return 1;
    }
    cmd.getErr().println("affectgate: unexpected error: " + e);
    e.printStackTrace(cmd.getErr());
    return 1;
  }
}
