package org.affectgate.sync.outbox;

import java.util.Objects;

/**
 * One pending point as stored in the outbox.
 *
 * @param id outbox id; increases with enqueue order and is never reused
 * @param line the point in line protocol, millisecond precision, no trailing newline
 * @param enqueuedAtMs when it was enqueued, epoch milliseconds from the outbox clock
 * @param attempts failed delivery attempts so far (retryable failures only)
 */
public record OutboxEntry(long id, String line, long enqueuedAtMs, int attempts) {
  public OutboxEntry {
    Objects.requireNonNull(line, "line");
  }
}
