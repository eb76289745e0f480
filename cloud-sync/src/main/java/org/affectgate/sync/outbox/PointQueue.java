package org.affectgate.sync.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.sync.Metric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Outbox} part of the outbox database: tables {@code pending} (points waiting, bounded
 * by bytes and age), {@code synced_keys} (keys of acknowledged points, pruned by age on every ack)
 * and {@code dead_letter} (bounded to {@link SqliteOutbox#MAX_DEAD_LETTERS} rows, oldest removed
 * first). Each method is one transaction on the shared {@link OutboxDatabase}; the totals in {@link
 * OutboxMeters} are updated after each commit.
 *
 * <p><b>After a failure.</b> An enqueue that failed stored nothing: if its commit reached the disk
 * although SQLite reported an error (an fsync failure), its rows are deleted on reopen ({@link
 * #settleAfterReopen}). An {@link #ack} that cannot be recorded for lack of space is held in memory
 * and recorded on reopen, so points already delivered are not sent again (unless the process stops
 * first).
 *
 * <p><b>Threads.</b> Not thread-safe: {@link SqliteOutbox} calls it under its own lock. Blocking
 * disk I/O. Failures are thrown as {@link OutboxException} ({@link OutboxStorageException} for a
 * full disk or an I/O error).
 */
final class PointQueue {
  /** Logged under the outbox's name, as operators know it. */
  private static final Logger LOG = LoggerFactory.getLogger(SqliteOutbox.class);

  private static final String INSERT_PENDING =
      "INSERT OR IGNORE INTO pending (point_key, line, bytes, enqueued_at_ms)"
          + " SELECT ?, ?, ?, ? WHERE NOT EXISTS"
          + " (SELECT 1 FROM synced_keys WHERE point_key = ? AND synced_at_ms >= ?)";

  private static final String SUM_PENDING = "SELECT count(*), coalesce(sum(bytes), 0) FROM pending";

  private final OutboxConfig config;
  private final InstantSource clock;
  private final OutboxDatabase db;
  private final OutboxMeters meters;
  private final RateLimitedLog dropLog;

  /** Ids delivered whose acknowledgement could not be recorded yet. */
  private final Set<Long> unrecordedAcks = new LinkedHashSet<>();

  /** Rows with a larger id were inserted by an enqueue that failed; -1 when none. */
  private long failedEnqueueAboveId = -1;

  PointQueue(OutboxConfig config, InstantSource clock, OutboxDatabase db, OutboxMeters meters) {
    this.config = config;
    this.clock = clock;
    this.db = db;
    this.meters = meters;
    this.dropLog = new RateLimitedLog(LOG, clock, Duration.ofMinutes(1));
  }

  /** Points removed from {@code pending}: how many and their line-protocol bytes. */
  private record Removed(long count, long bytes) {
    static final Removed NONE = new Removed(0, 0);

    Removed plus(Removed other) {
      return new Removed(count + other.count, bytes + other.bytes);
    }
  }

  /**
   * On a new connection after a failure: deletes the rows of an enqueue reported as failed whose
   * commit had reached the disk, records the acknowledgements held in memory, and commits.
   *
   * @return acknowledgements recorded
   */
  int settleAfterReopen(Connection c) throws SQLException {
    if (failedEnqueueAboveId >= 0) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM pending WHERE id > ?")) {
        ps.setLong(1, failedEnqueueAboveId);
        int n = ps.executeUpdate();
        if (n > 0) {
          LOG.warn(
              "outbox {}: removed {} points of an enqueue reported as failed whose commit had"
                  + " reached the disk (they were counted as dropped)",
              db.file(),
              n);
        }
      }
    }
    int acks = unrecordedAcks.size();
    if (acks > 0) {
      recordAcks(c, List.copyOf(unrecordedAcks), clock.millis());
    }
    c.commit();
    failedEnqueueAboveId = -1;
    unrecordedAcks.clear();
    return acks;
  }

  /** Reads the backlog totals into the meters; the caller commits. */
  void loadTotals(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      long count;
      long bytes;
      long oldestMs;
      try (ResultSet rs =
          st.executeQuery(
              "SELECT count(*), coalesce(sum(bytes), 0), min(enqueued_at_ms) FROM pending")) {
        rs.next();
        count = rs.getLong(1);
        bytes = rs.getLong(2);
        long oldest = rs.getLong(3);
        oldestMs = rs.wasNull() ? Long.MAX_VALUE : oldest;
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM dead_letter")) {
        rs.next();
        meters.pendingLoaded(count, bytes, oldestMs, rs.getLong(1));
      }
    }
  }

  /** See {@link Outbox#enqueue}; refused below {@code outbox.minFreeBytes} free. */
  EnqueueResult enqueue(List<Metric> points) {
    long now = clock.millis();
    int added = 0;
    long addedBytes = 0;
    long minAdded = Long.MAX_VALUE;
    if (config.minFreeBytes() > 0 && !points.isEmpty()) {
      long free = db.usableSpace();
      if (free < config.minFreeBytes()) {
        throw new OutboxStorageException(
            "outbox.file "
                + db.file()
                + ": only "
                + free
                + " bytes free on its filesystem, below outbox.minFreeBytes="
                + config.minFreeBytes()
                + "; "
                + points.size()
                + " points not stored");
      }
    }
    long maxIdBefore = -1;
    try {
      Connection c = db.connection();
      maxIdBefore = maxPendingId(c);
      if (!points.isEmpty()) {
        long syncedCutoff = now - config.syncedKeyRetention().toMillis();
        int[] counts;
        long[] sizes = new long[points.size()];
        try (PreparedStatement ps = c.prepareStatement(INSERT_PENDING)) {
          for (int i = 0; i < points.size(); i++) {
            Metric m = points.get(i);
            String line = m.toLineProtocol();
            String key = PointKey.of(m);
            sizes[i] = line.getBytes(StandardCharsets.UTF_8).length;
            ps.setString(1, key);
            ps.setString(2, line);
            ps.setLong(3, sizes[i]);
            ps.setLong(4, now);
            ps.setString(5, key);
            ps.setLong(6, syncedCutoff);
            ps.addBatch();
          }
          counts = ps.executeBatch();
        }
        for (int i = 0; i < counts.length; i++) {
          if (counts[i] > 0) {
            added++;
            addedBytes += sizes[i];
            minAdded = now;
          }
        }
      }
      long ageCutoff = now - config.maxAge().toMillis();
      Removed age =
          meters.oldestEnqueuedAtMs() < ageCutoff ? removeOlderThan(c, ageCutoff) : Removed.NONE;
      long bytesAfter = meters.pendingBytes() + addedBytes - age.bytes;
      Removed overflow = removeOldestBeyond(c, bytesAfter - config.maxBytes());
      c.commit();
      meters.pendingChanged(
          added - age.count - overflow.count, addedBytes - age.bytes - overflow.bytes);
      if (age.count > 0 || overflow.count > 0) {
        refreshOldest();
      } else {
        meters.addedAt(minAdded);
      }
      int dup = points.size() - added;
      meters.enqueued(added, dup);
      countDrops(age, overflow);
      return new EnqueueResult(added, dup, (int) overflow.count, (int) age.count);
    } catch (SQLException e) {
      OutboxException f = db.failed("enqueue " + points.size() + " points", e);
      if (maxIdBefore >= 0 && failedEnqueueAboveId < 0) {
        failedEnqueueAboveId = maxIdBefore;
      }
      throw f;
    }
  }

  /** Rows inserted after this call have a larger id (ids only grow: AUTOINCREMENT). */
  private static long maxPendingId(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'pending'), 0),"
                    + " coalesce((SELECT max(id) FROM pending), 0))")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** See {@link Outbox#peek}; first drops points older than {@code outbox.maxAgeHours}. */
  List<OutboxEntry> peek(int max) {
    try {
      Connection c = db.connection();
      long cutoff = clock.millis() - config.maxAge().toMillis();
      if (meters.oldestEnqueuedAtMs() < cutoff) {
        Removed age = removeOlderThan(c, cutoff);
        c.commit();
        meters.pendingChanged(-age.count, -age.bytes);
        refreshOldest();
        countDrops(age, Removed.NONE);
      }
      List<OutboxEntry> out = new ArrayList<>(Math.min(max, 1024));
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, line, enqueued_at_ms, attempts FROM pending ORDER BY id LIMIT ?")) {
        ps.setInt(1, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new OutboxEntry(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getInt(4)));
          }
        }
      }
      c.commit();
      return out;
    } catch (SQLException e) {
      throw db.failed("peek", e);
    }
  }

  /**
   * See {@link Outbox#ack}. When the disk cannot take it the acknowledgement is held in memory and
   * recorded on reopen; nothing is thrown then.
   */
  void ack(Collection<Long> ids) {
    long now = clock.millis();
    Removed removed;
    try {
      Connection c = db.connection();
      removed = recordAcks(c, List.copyOf(ids), now);
      c.commit();
    } catch (SQLException e) {
      OutboxException f = db.failed("ack " + ids.size() + " ids", e);
      if (!(f instanceof OutboxStorageException)) {
        throw f;
      }
      holdAcks(ids, f);
      return;
    } catch (OutboxStorageException e) {
      holdAcks(ids, e);
      return;
    }
    meters.pendingChanged(-removed.count, -removed.bytes);
    refreshOldestUnchecked();
  }

  /** The points were delivered: remember that in memory until the disk takes it. */
  private void holdAcks(Collection<Long> ids, OutboxException why) {
    unrecordedAcks.addAll(ids);
    db.faultLog()
        .warn(
            "outbox {}: {} delivered points' acknowledgement held in memory until the disk has"
                + " room ({}); a restart before then sends them again",
            db.file(),
            unrecordedAcks.size(),
            why.getMessage());
  }

  /** Acknowledgements held in memory (disk full), not yet recorded. */
  int unrecordedAcks() {
    return unrecordedAcks.size();
  }

  /** Removes delivered entries and remembers their keys; the caller commits. */
  private Removed recordAcks(Connection c, List<Long> ids, long now) throws SQLException {
    Removed removed = Removed.NONE;
    for (IdChunk chunk : IdChunk.split(ids)) {
      removed = removed.plus(sumPending(c, chunk));
      chunk.update(
          c,
          "INSERT OR REPLACE INTO synced_keys (point_key, synced_at_ms)"
              + " SELECT point_key, ? FROM pending",
          now);
      chunk.update(c, "DELETE FROM pending");
    }
    try (PreparedStatement prune =
        c.prepareStatement("DELETE FROM synced_keys WHERE synced_at_ms < ?")) {
      prune.setLong(1, now - config.syncedKeyRetention().toMillis());
      prune.executeUpdate();
    }
    return removed;
  }

  private static Removed sumPending(Connection c, IdChunk chunk) throws SQLException {
    try (PreparedStatement ps = chunk.prepare(c, SUM_PENDING);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new Removed(rs.getLong(1), rs.getLong(2));
    }
  }

  /** See {@link Outbox#discard}. */
  int discard(Collection<Long> ids) {
    Removed removed = Removed.NONE;
    try {
      Connection c = db.connection();
      for (IdChunk chunk : IdChunk.split(ids)) {
        removed = removed.plus(sumPending(c, chunk));
        chunk.update(c, "DELETE FROM pending");
      }
      c.commit();
    } catch (SQLException e) {
      throw db.failed("discard " + ids.size() + " ids", e);
    }
    meters.pendingChanged(-removed.count, -removed.bytes);
    meters.erased(removed.count);
    refreshOldestUnchecked();
    return (int) removed.count;
  }

  /** See {@link Outbox#discardDeadLetters}. */
  int discardDeadLetters(Collection<Long> ids) {
    int removed = 0;
    try {
      Connection c = db.connection();
      for (IdChunk chunk : IdChunk.split(ids)) {
        removed += chunk.update(c, "DELETE FROM dead_letter");
      }
      c.commit();
    } catch (SQLException e) {
      throw db.failed("discard " + ids.size() + " dead letters", e);
    }
    meters.deadLettersErased(removed);
    return removed;
  }

  /** See {@link Outbox#recordFailedAttempt}. */
  void recordFailedAttempt(Collection<Long> ids) {
    try {
      Connection c = db.connection();
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE pending SET attempts = attempts + 1 WHERE id = ?")) {
        for (long id : ids) {
          ps.setLong(1, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    } catch (SQLException e) {
      throw db.failed("record attempts", e);
    }
  }

  /** See {@link Outbox#deadLetter}. */
  void deadLetter(OutboxEntry entry, String error) {
    long now = clock.millis();
    long bytes;
    long overflow;
    try {
      Connection c = db.connection();
      try (PreparedStatement ps =
          c.prepareStatement("SELECT bytes, attempts FROM pending WHERE id = ?")) {
        ps.setLong(1, entry.id());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            c.commit();
            return;
          }
          bytes = rs.getLong(1);
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT OR REPLACE INTO dead_letter"
                  + " (id, line, error, enqueued_at_ms, dead_at_ms, attempts)"
                  + " SELECT id, line, ?, enqueued_at_ms, ?, attempts FROM pending WHERE id = ?")) {
        ps.setString(1, error);
        ps.setLong(2, now);
        ps.setLong(3, entry.id());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM pending WHERE id = ?")) {
        ps.setLong(1, entry.id());
        ps.executeUpdate();
      }
      overflow = 0;
      if (meters.deadLetterCount() + 1 > SqliteOutbox.MAX_DEAD_LETTERS) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM dead_letter WHERE id NOT IN"
                    + " (SELECT id FROM dead_letter ORDER BY dead_at_ms DESC, id DESC LIMIT ?)")) {
          ps.setInt(1, SqliteOutbox.MAX_DEAD_LETTERS);
          overflow = ps.executeUpdate();
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw db.failed("dead-letter id " + entry.id(), e);
    }
    meters.pendingChanged(-1, -bytes);
    meters.deadLettered(overflow);
    refreshOldestUnchecked();
  }

  /** See {@link Outbox#deadLetters}. */
  List<DeadLetter> deadLetters(int max) {
    List<DeadLetter> out = new ArrayList<>();
    try {
      Connection c = db.connection();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, line, error, enqueued_at_ms, dead_at_ms, attempts FROM dead_letter"
                  + " ORDER BY dead_at_ms DESC, id DESC LIMIT ?")) {
        ps.setInt(1, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(
                new DeadLetter(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getInt(6)));
          }
        }
      }
      c.commit();
      return out;
    } catch (SQLException e) {
      throw db.failed("read dead letters", e);
    }
  }

  private static Removed removeOlderThan(Connection c, long cutoffMs) throws SQLException {
    Removed removed;
    try (PreparedStatement ps = c.prepareStatement(SUM_PENDING + " WHERE enqueued_at_ms < ?")) {
      ps.setLong(1, cutoffMs);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        removed = new Removed(rs.getLong(1), rs.getLong(2));
      }
    }
    if (removed.count == 0) {
      return Removed.NONE;
    }
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM pending WHERE enqueued_at_ms < ?")) {
      ps.setLong(1, cutoffMs);
      ps.executeUpdate();
    }
    return removed;
  }

  /** Deletes the oldest pending rows (by id) until at least {@code excessBytes} are freed. */
  private static Removed removeOldestBeyond(Connection c, long excessBytes) throws SQLException {
    long count = 0;
    long freed = 0;
    while (freed < excessBytes) {
      long lastId = -1;
      try (PreparedStatement ps =
          c.prepareStatement("SELECT id, bytes FROM pending ORDER BY id LIMIT 512")) {
        try (ResultSet rs = ps.executeQuery()) {
          while (freed < excessBytes && rs.next()) {
            lastId = rs.getLong(1);
            freed += rs.getLong(2);
            count++;
          }
        }
      }
      if (lastId < 0) {
        break;
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM pending WHERE id <= ?")) {
        ps.setLong(1, lastId);
        ps.executeUpdate();
      }
    }
    return new Removed(count, freed);
  }

  private void countDrops(Removed age, Removed overflow) {
    meters.dropped(age.count, overflow.count);
    if (age.count > 0 || overflow.count > 0) {
      dropLog.warn(
          "outbox {} dropped {} points older than outbox.maxAgeHours={} and {} oldest points"
              + " over outbox.maxBytes={}",
          config.file(),
          age.count,
          config.maxAge().toHours(),
          overflow.count,
          config.maxBytes());
    }
  }

  /** Reads the oldest pending point's time again, after points were removed; commits. */
  private void refreshOldest() throws SQLException {
    Connection c = db.connection();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT min(enqueued_at_ms) FROM pending")) {
      long min = rs.next() ? rs.getLong(1) : 0;
      meters.oldestEnqueuedAt(rs.wasNull() ? Long.MAX_VALUE : min);
    }
    c.commit();
  }

  private void refreshOldestUnchecked() {
    try {
      refreshOldest();
    } catch (SQLException e) {
      throw db.failed("read oldest entry", e);
    }
  }
}
