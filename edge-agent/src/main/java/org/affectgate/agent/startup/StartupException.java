package org.affectgate.agent.startup;

/**
 * A start-up check failed: the configuration is valid but the machine cannot run it (a model file
 * missing or altered, a token file unreadable, the data directory unusable, the HTTP port taken).
 * The message is one line naming the key and the file or port. {@code run} and {@code check-config}
 * exit 2 with it. An {@link IllegalStateException} so that callers of {@code Agent.start} that
 * expect one keep working.
 */
public final class StartupException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
