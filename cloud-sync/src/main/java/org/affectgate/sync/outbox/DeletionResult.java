package org.affectgate.sync.outbox;

/** How a deletion request was settled. */
public enum DeletionResult {
  /** The server confirmed it; the request is removed. */
  DELETED,
  /** The sink or server cannot delete; kept as {@code unsupported} for the record. */
  UNSUPPORTED,
  /** The server refused the request; kept as {@code failed} for an operator. */
  FAILED
}
