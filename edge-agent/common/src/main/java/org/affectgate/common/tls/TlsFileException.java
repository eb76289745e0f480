package org.affectgate.common.tls;

/**
 * A TLS or secret file that cannot be used. The message is one line naming the configuration key,
 * the file and the problem, e.g. {@code mqtt.tls.certFile /etc/affectgate/agent.crt expired on
 * 2026-01-01T00:00:00Z}.
 */
public final class TlsFileException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  TlsFileException(String message) {
    super(message);
  }

  TlsFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
