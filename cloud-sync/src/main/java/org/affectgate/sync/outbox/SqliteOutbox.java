package org.affectgate.sync.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.affectgate.sync.Metric;
import org.affectgate.sync.sink.SeriesSelector;
import org.affectgate.sync.storage.StorageFaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Outbox} in a SQLite database (WAL journal, {@code PRAGMA synchronous} per {@link
 * OutboxConfig#synchronous()}). One connection guarded by this object's monitor; every public
 * method is one transaction. Backlog figures are kept in memory, initialised on open and updated
 * after each commit, so {@link #stats()} and the gauges never touch the disk.
 *
 * <p>Besides the pending queue the database keeps {@code synced_keys} (keys of acknowledged points,
 * pruned by age on every ack) and {@code dead_letter}, itself bounded to {@link #MAX_DEAD_LETTERS}
 * rows (oldest removed first, counted as {@code affectgate.outbox.dropped{cause=deadletter}}).
 *
 * <p>Meters: counters {@code affectgate.outbox.enqueued}, {@code affectgate.outbox.duplicates},
 * {@code affectgate.outbox.dropped{cause=bytes|age|deadletter|erasure}}, {@code
 * affectgate.outbox.deadlettered}; gauges {@code affectgate.outbox.backlog}, {@code
 * affectgate.outbox.backlog.bytes}, {@code affectgate.outbox.oldest.age.ms}, {@code
 * affectgate.outbox.deadletters}. Gauges are removed on {@link #close()}.
 *
 * <p>It is also the {@link DeletionQueue}: tables {@code deletion} and {@code deletion_cursor} in
 * the same database (schema version 2), counter {@code affectgate.deletions.enqueued}, gauge {@code
 * affectgate.deletions.pending}.
 *
 * <p><b>Full disk and I/O errors.</b> After any failed statement the connection is closed, never
 * reused: SQLite may have rolled the transaction back by itself ({@code SQLITE_FULL}, {@code
 * SQLITE_IOERR}), and a connection in that state runs later statements in autocommit while every
 * {@code commit} fails ("cannot commit - no transaction is active"), i.e. it stores points it
 * reports as failed. The next call opens a new connection and reloads the backlog figures from the
 * database, so they stay exact. After a storage fault ({@link StorageFaults}) the reopen waits
 * until the filesystem has {@link OutboxConfig#minFreeBytes()} free (checked on each call, one
 * {@code statvfs}); until then calls fail at once with {@link OutboxStorageException} without
 * touching the disk. {@link #enqueue} is also refused while less than that is free, so the outbox
 * never takes the last space the consent ledger needs. An enqueue that failed stored nothing: if
 * its commit reached the disk although SQLite reported an error (an fsync failure), its rows are
 * deleted on reopen. An {@link #ack} that cannot be recorded is held in memory and recorded on
 * reopen, so points already delivered are not sent again (unless the process stops first). Counter
 * {@code affectgate.outbox.storage.faults}; gauge {@code affectgate.outbox.storage.fault} (1 while
 * the outbox waits for space).
 *
 * <p>Files: the database and its {@code -wal} and {@code -shm} files are mode 0600.
 *
 * <p><b>Structure.</b> This class is the façade: it holds the lock, checks arguments and that it is
 * open, and delegates to {@link PointQueue} (the outbox tables), {@link DeletionRequests} (the
 * deletion tables), both on one {@link OutboxDatabase} (the connection, its reopen after storage
 * faults, pragmas and file modes), with the totals and gauges in {@link OutboxMeters}.
 *
 * <p><b>Threads.</b> Thread-safe; every method except {@link #stats()} and {@link #deletionStats()}
 * (lock-free, from memory) blocks on disk I/O and is serialised on this instance.
 */
public final class SqliteOutbox implements Outbox, DeletionQueue {
  /** Dead letters kept for inspection; older ones are dropped and counted. */
  public static final int MAX_DEAD_LETTERS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(SqliteOutbox.class);

  private final OutboxDatabase db;
  private final OutboxMeters meters;
  private final PointQueue queue;
  private final DeletionRequests deletions;
  private boolean closed;

  private SqliteOutbox(
      OutboxConfig config, InstantSource clock, MeterRegistry registry, OutboxDatabase db) {
    this.db = db;
    this.meters = new OutboxMeters(registry, clock, db::storageFault);
    this.queue = new PointQueue(config, clock, db, meters);
    this.deletions = new DeletionRequests(clock, db, meters);
    db.attach(meters, this::reconnected);
  }

  /**
   * Opens (creating if absent) the outbox database. Blocking.
   *
   * @throws OutboxException naming the file when it cannot be created, is not a SQLite database, is
   *     corrupt or has an unknown schema version
   */
  public static SqliteOutbox open(
      OutboxConfig config, InstantSource clock, MeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(registry, "registry");
    return OutboxDatabase.open(
        config,
        clock,
        db -> {
          SqliteOutbox outbox = new SqliteOutbox(config, clock, registry, db);
          outbox.loadTotals(db.connection());
          outbox.meters.registerGauges();
          return outbox;
        });
  }

  /** Reads every total from the database into the meters, and commits. */
  private void loadTotals(Connection c) throws SQLException {
    queue.loadTotals(c);
    deletions.loadTotals(c);
    c.commit();
  }

  /** {@link OutboxDatabase.Reconnected}: settles what a failure left, then reloads the totals. */
  private void reconnected(Connection c, boolean afterStorageFault) throws SQLException {
    int acks = queue.settleAfterReopen(c);
    loadTotals(c);
    if (afterStorageFault) {
      LOG.info(
          "outbox {} reopened after a storage fault: {} points pending, {} held"
              + " acknowledgements recorded",
          db.file(),
          meters.pendingCount(),
          acks);
    }
  }

  @Override
  public synchronized EnqueueResult enqueue(List<Metric> points) {
    Objects.requireNonNull(points, "points");
    ensureOpen();
    return queue.enqueue(points);
  }

  @Override
  public synchronized List<OutboxEntry> peek(int max) {
    requirePositive(max);
    ensureOpen();
    return queue.peek(max);
  }

  @Override
  public synchronized void ack(Collection<Long> ids) {
    Objects.requireNonNull(ids, "ids");
    ensureOpen();
    if (!ids.isEmpty()) {
      queue.ack(ids);
    }
  }

  @Override
  public synchronized int discard(Collection<Long> ids) {
    Objects.requireNonNull(ids, "ids");
    ensureOpen();
    return ids.isEmpty() ? 0 : queue.discard(ids);
  }

  @Override
  public synchronized int discardDeadLetters(Collection<Long> ids) {
    Objects.requireNonNull(ids, "ids");
    ensureOpen();
    return ids.isEmpty() ? 0 : queue.discardDeadLetters(ids);
  }

  @Override
  public synchronized void recordFailedAttempt(Collection<Long> ids) {
    Objects.requireNonNull(ids, "ids");
    ensureOpen();
    if (!ids.isEmpty()) {
      queue.recordFailedAttempt(ids);
    }
  }

  @Override
  public synchronized void deadLetter(OutboxEntry entry, String error) {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(error, "error");
    ensureOpen();
    queue.deadLetter(entry, error);
  }

  @Override
  public synchronized List<DeadLetter> deadLetters(int max) {
    requirePositive(max);
    ensureOpen();
    return queue.deadLetters(max);
  }

  @Override
  public OutboxStats stats() {
    return meters.stats();
  }

  @Override
  public synchronized int requestDeletions(List<SeriesSelector> selectors, long cursor) {
    Objects.requireNonNull(selectors, "selectors");
    ensureOpen();
    return deletions.request(selectors, cursor);
  }

  @Override
  public synchronized long deletionCursor() {
    ensureOpen();
    return deletions.cursor();
  }

  @Override
  public synchronized List<PendingDeletion> pendingDeletions(int max) {
    requirePositive(max);
    ensureOpen();
    return deletions.pending(max);
  }

  @Override
  public synchronized void settleDeletion(long id, DeletionResult result, String detail) {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(detail, "detail");
    ensureOpen();
    deletions.settle(id, result, detail);
  }

  @Override
  public synchronized void recordFailedDeletionAttempt(long id, String error) {
    Objects.requireNonNull(error, "error");
    ensureOpen();
    deletions.recordFailedAttempt(id, error);
  }

  @Override
  public DeletionStats deletionStats() {
    return meters.deletionStats();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    meters.removeGauges();
    int unrecorded = queue.unrecordedAcks();
    if (unrecorded > 0) {
      LOG.warn(
          "outbox {} closed with {} delivered points' acknowledgement unrecorded (disk full);"
              + " they will be sent again",
          db.file(),
          unrecorded);
    }
    db.close();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("outbox " + db.file() + " is closed");
    }
  }

  private static void requirePositive(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("max must be > 0 (got " + max + ")");
    }
  }
}
