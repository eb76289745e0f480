package org.affectgate.sync.outbox;

/**
 * The outbox could not store or read anything because of its storage: the filesystem is full (or
 * below {@code outbox.minFreeBytes} free), or a write or fsync failed. Nothing the failed call
 * would have changed was stored. The outbox closes its database connection on such a failure and
 * opens a new one by itself on a later call once the filesystem has {@code outbox.minFreeBytes}
 * free again; retrying at once is pointless.
 */
public final class OutboxStorageException extends OutboxException {
  public OutboxStorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public OutboxStorageException(String message) {
    super(message);
  }
}
