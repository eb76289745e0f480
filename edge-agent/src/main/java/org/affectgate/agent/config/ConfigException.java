package org.affectgate.agent.config;

/**
 * An invalid configuration. The message names the offending key and, when loaded from a file, the
 * file: {@code mqtt.qos must be 0, 1 or 2 (got 7) in /etc/affectgate/agent.yaml}.
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
