package org.affectgate.sync.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.affectgate.sync.outbox.DeletionStats;

/**
 * Snapshot of the sync loop for the status page.
 *
 * @param backlogCount points waiting in the outbox
 * @param backlogBytes their line-protocol size in bytes
 * @param oldestAgeMs age of the oldest waiting point, milliseconds (0 when none)
 * @param deadLetterCount points held as dead letters
 * @param lastSuccess when a write was last accepted, if ever (since start)
 * @param lastError the last failure, if any since start; kept after recovery for diagnosis
 * @param consecutiveFailures passes in a row that ended in a retryable failure; 0 when healthy
 * @param currentBackoff wait before the next pass because of failures; zero when healthy
 * @param pointsSynced points accepted by the sink since start
 * @param pointsDeadLettered points dead-lettered since start
 * @param deletions cloud deletion requests by state (all zero without a deletion queue)
 */
public record SyncState(
    long backlogCount,
    long backlogBytes,
    long oldestAgeMs,
    long deadLetterCount,
    Optional<Instant> lastSuccess,
    Optional<SyncError> lastError,
    int consecutiveFailures,
    Duration currentBackoff,
    long pointsSynced,
    long pointsDeadLettered,
    DeletionStats deletions) {

  /**
   * A failed pass.
   *
   * @param kind metric label (see {@link org.affectgate.sync.sink.WriteOutcome.Retryable#kind()},
   *     plus {@code internal} for an unexpected exception)
   * @param message what went wrong; never contains the API token
   * @param at when it happened
   */
  public record SyncError(String kind, String message, Instant at) {}
}
