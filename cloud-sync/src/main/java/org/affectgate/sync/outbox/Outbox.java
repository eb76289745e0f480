package org.affectgate.sync.outbox;

import java.util.Collection;
import java.util.List;
import org.affectgate.sync.Metric;

/**
 * Durable, bounded queue of points waiting to be shipped; the stage between the aggregator and the
 * sink.
 *
 * <p><b>Threads.</b> Every method except {@link #stats()} blocks on disk I/O and must be called
 * from a worker thread, never from a Vert.x event loop. Implementations are thread-safe.
 *
 * <p><b>Idempotency.</b> A point's key is its measurement, sorted tags and timestamp. Enqueueing a
 * point whose key is pending, or was acknowledged within the synced-key retention, is a no-op that
 * is counted as a duplicate; an agent that recomputes an already-sent window after a restart
 * therefore does not send it twice.
 *
 * <p><b>Bounds.</b> Pending points are bounded by total line-protocol bytes and by age. When over
 * the byte bound the <em>oldest</em> points are dropped first (the newest data describes the
 * present and is what an operator looks at after an outage); points older than the maximum age are
 * dropped on {@link #enqueue} and {@link #peek}. Every drop is counted with its cause.
 *
 * <p><b>Errors.</b> Storage failures raise {@link OutboxException}; a failed call commits nothing.
 */
public interface Outbox extends AutoCloseable {

  /**
   * Stores the points in one transaction; they are durable (per the configured synchronous level)
   * when this returns.
   */
  EnqueueResult enqueue(List<Metric> points);

  /**
   * Returns up to {@code max} pending points, oldest first, without removing them.
   *
   * @param max maximum entries, > 0
   */
  List<OutboxEntry> peek(int max);

  /**
   * Removes the given pending entries as delivered and remembers their keys, in one transaction.
   * Unknown ids are ignored.
   */
  void ack(Collection<Long> ids);

  /**
   * Removes pending entries without delivering them (erasure after a consent withdrawal), in one
   * transaction. Their keys are not remembered as synced. Unknown ids are ignored.
   *
   * @return how many entries were removed; counted in {@code affectgate.outbox.dropped{cause=
   *     erasure}}
   */
  int discard(Collection<Long> ids);

  /**
   * Removes dead letters (erasure after a consent withdrawal: a refused point still holds the
   * subject's data), in one transaction. Unknown ids are ignored.
   *
   * @return how many were removed; counted in {@code affectgate.outbox.dropped{cause=erasure}}
   */
  int discardDeadLetters(Collection<Long> ids);

  /** Adds one to the attempt count of the given pending entries (after a retryable failure). */
  void recordFailedAttempt(Collection<Long> ids);

  /**
   * Moves a pending entry to the dead-letter table with the server's reason, in one transaction.
   * Does nothing when the entry is no longer pending.
   */
  void deadLetter(OutboxEntry entry, String error);

  /** Returns up to {@code max} dead letters, most recent first. */
  List<DeadLetter> deadLetters(int max);

  /**
   * Current backlog. Cheap (served from memory, no disk access) and therefore also safe for gauges
   * read on any thread.
   */
  OutboxStats stats();

  /** Closes the database. Later calls fail with {@link IllegalStateException}. */
  @Override
  void close();
}
