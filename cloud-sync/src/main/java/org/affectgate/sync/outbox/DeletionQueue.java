package org.affectgate.sync.outbox;

import java.util.List;
import org.affectgate.sync.sink.SeriesSelector;

/**
 * Durable queue of cloud deletions (a withdrawn subject's per-subject series), kept next to the
 * outbox so that a request survives restarts and is carried out by the same sync loop, with the
 * same backoff, as the writes. {@link SqliteOutbox} implements it in its own database.
 *
 * <p><b>Lifecycle.</b> {@link #requestDeletions} stores requests as pending; the sync loop reads
 * them with {@link #pendingDeletions}, asks the sink, and settles each: {@link
 * DeletionResult#DELETED} removes the request, {@link DeletionResult#UNSUPPORTED} and {@link
 * DeletionResult#FAILED} keep it (no longer pending) for an operator; a retryable failure only
 * raises its attempt count ({@link #recordFailedDeletionAttempt}).
 *
 * <p><b>Cursor.</b> Requests are derived from an append-only source outside this queue (the consent
 * ledger). The caller's position in that source is stored in the same transaction as the requests
 * it led to, so after a crash the caller resumes exactly where its last committed batch ended: no
 * request is lost and none is made twice.
 *
 * <p><b>Threads.</b> Every method except {@link #deletionStats()} blocks on disk I/O; call from a
 * worker thread. Implementations are thread-safe. Storage failures raise {@link OutboxException}.
 */
public interface DeletionQueue {

  /**
   * Stores the requests and moves the cursor to {@code cursor} (never backwards), in one
   * transaction. A selector that is already pending is not added again.
   *
   * @return requests newly stored; counted in {@code affectgate.deletions.enqueued}
   */
  int requestDeletions(List<SeriesSelector> selectors, long cursor);

  /** The cursor stored by the last {@link #requestDeletions}; 0 when none was stored yet. */
  long deletionCursor();

  /**
   * Up to {@code max} pending requests, oldest first.
   *
   * @param max > 0
   */
  List<PendingDeletion> pendingDeletions(int max);

  /**
   * Settles a pending request. Does nothing when {@code id} is not pending.
   *
   * @param detail the sink's reason (unsupported, failed); may be empty for DELETED
   */
  void settleDeletion(long id, DeletionResult result, String detail);

  /** Adds one to the attempt count of a pending request and remembers the error. */
  void recordFailedDeletionAttempt(long id, String error);

  /** Counts served from memory; cheap, any thread. */
  DeletionStats deletionStats();

  /** A queue that never holds a request, for loops without cloud deletion. */
  DeletionQueue NONE =
      new DeletionQueue() {
        @Override
        public int requestDeletions(List<SeriesSelector> selectors, long cursor) {
          throw new UnsupportedOperationException("this sync loop has no deletion queue");
        }

        @Override
        public long deletionCursor() {
          return 0;
        }

        @Override
        public List<PendingDeletion> pendingDeletions(int max) {
          return List.of();
        }

        @Override
        public void settleDeletion(long id, DeletionResult result, String detail) {}

        @Override
        public void recordFailedDeletionAttempt(long id, String error) {}

        @Override
        public DeletionStats deletionStats() {
          return new DeletionStats(0, 0, 0, 0);
        }
      };
}
