package org.affectgate.sync.outbox;

/**
 * The outbox database could not be opened, read or written (disk full, I/O error, corrupt file).
 * The message names the database file. Nothing the failed call would have changed was committed.
 */
public class OutboxException extends RuntimeException {
  public OutboxException(String message, Throwable cause) {
    super(message, cause);
  }

  public OutboxException(String message) {
    super(message);
  }
}
