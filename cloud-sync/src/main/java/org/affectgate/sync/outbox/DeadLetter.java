package org.affectgate.sync.outbox;

import java.util.Objects;

/**
 * A point the server refused on its own (isolated by batch splitting); kept for inspection.
 *
 * @param id the id it had in the pending queue
 * @param line the refused line protocol
 * @param error the server's reason
 * @param enqueuedAtMs when it was originally enqueued, epoch milliseconds
 * @param deadAtMs when it was dead-lettered, epoch milliseconds
 * @param attempts failed delivery attempts before it was refused
 */
public record DeadLetter(
    long id, String line, String error, long enqueuedAtMs, long deadAtMs, int attempts) {
  public DeadLetter {
    Objects.requireNonNull(line, "line");
    Objects.requireNonNull(error, "error");
  }
}
