package org.affectgate.sync.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.sync.sink.SeriesSelector;

/**
 * The {@link DeletionQueue} part of the outbox database (schema version 2): tables {@code deletion}
 * (requests: pending, or kept as unsupported or failed for an operator) and {@code deletion_cursor}
 * (the caller's position in the consent ledger, stored in the same transaction as the requests it
 * led to). Each method is one transaction on the shared {@link OutboxDatabase}; the totals in
 * {@link OutboxMeters} are updated after each commit.
 *
 * <p><b>Threads.</b> Not thread-safe: {@link SqliteOutbox} calls it under its own lock. Blocking
 * disk I/O. Failures are thrown as {@link OutboxException}.
 */
final class DeletionRequests {
  private final InstantSource clock;
  private final OutboxDatabase db;
  private final OutboxMeters meters;

  DeletionRequests(InstantSource clock, OutboxDatabase db, OutboxMeters meters) {
    this.clock = clock;
    this.db = db;
    this.meters = meters;
  }

  /** Reads the deletion totals into the meters; the caller commits. */
  void loadTotals(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'unsupported'),"
                    + " 0), coalesce(sum(state = 'failed'), 0),"
                    + " min(CASE WHEN state = 'pending' THEN requested_at_ms END) FROM deletion")) {
      rs.next();
      long pending = rs.getLong(1);
      long unsupported = rs.getLong(2);
      long failed = rs.getLong(3);
      long oldest = rs.getLong(4);
      meters.deletionsLoaded(pending, unsupported, failed, rs.wasNull() ? Long.MAX_VALUE : oldest);
    }
  }

  /** See {@link DeletionQueue#requestDeletions}. */
  int request(List<SeriesSelector> selectors, long cursor) {
    long now = clock.millis();
    int added = 0;
    try {
      Connection c = db.connection();
      for (SeriesSelector s : selectors) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO deletion (measurement, tag_key, tag_value, requested_at_ms)"
                    + " SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM deletion WHERE"
                    + " state = 'pending' AND measurement = ? AND tag_key = ? AND tag_value = ?)")) {
          ps.setString(1, s.measurement());
          ps.setString(2, s.tagKey());
          ps.setString(3, s.tagValue());
          ps.setLong(4, now);
          ps.setString(5, s.measurement());
          ps.setString(6, s.tagKey());
          ps.setString(7, s.tagValue());
          added += ps.executeUpdate();
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO deletion_cursor (id, position) VALUES (1, ?)"
                  + " ON CONFLICT (id) DO UPDATE SET position = max(position, excluded.position)")) {
        ps.setLong(1, cursor);
        ps.executeUpdate();
      }
      c.commit();
    } catch (SQLException e) {
      throw db.failed("request " + selectors.size() + " deletions", e);
    }
    meters.deletionsRequested(added, now);
    return added;
  }

  /** See {@link DeletionQueue#deletionCursor}. */
  long cursor() {
    try {
      Connection c = db.connection();
      long position;
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT position FROM deletion_cursor WHERE id = 1")) {
        position = rs.next() ? rs.getLong(1) : 0;
      }
      c.commit();
      return position;
    } catch (SQLException e) {
      throw db.failed("read the deletion cursor", e);
    }
  }

  /** See {@link DeletionQueue#pendingDeletions}; answered from memory when none is pending. */
  List<PendingDeletion> pending(int max) {
    if (meters.deletionsPending() == 0) {
      return List.of();
    }
    List<PendingDeletion> out = new ArrayList<>();
    try {
      Connection c = db.connection();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, measurement, tag_key, tag_value, requested_at_ms, attempts FROM deletion"
                  + " WHERE state = 'pending' ORDER BY id LIMIT ?")) {
        ps.setInt(1, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(
                new PendingDeletion(
                    rs.getLong(1),
                    new SeriesSelector(rs.getString(2), rs.getString(3), rs.getString(4)),
                    rs.getLong(5),
                    rs.getInt(6)));
          }
        }
      }
      c.commit();
      return out;
    } catch (SQLException e) {
      throw db.failed("read pending deletions", e);
    }
  }

  /** See {@link DeletionQueue#settleDeletion}. */
  void settle(long id, DeletionResult result, String detail) {
    try {
      Connection c = db.connection();
      String sql =
          result == DeletionResult.DELETED
              ? "DELETE FROM deletion WHERE id = ? AND state = 'pending'"
              : "UPDATE deletion SET state = ?, detail = ?, settled_at_ms = ?"
                  + " WHERE id = ? AND state = 'pending'";
      int changed;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        if (result == DeletionResult.DELETED) {
          ps.setLong(1, id);
        } else {
          ps.setString(1, result == DeletionResult.UNSUPPORTED ? "unsupported" : "failed");
          ps.setString(2, detail);
          ps.setLong(3, clock.millis());
          ps.setLong(4, id);
        }
        changed = ps.executeUpdate();
      }
      c.commit();
      if (changed > 0) {
        loadTotals(c);
        c.commit();
      }
    } catch (SQLException e) {
      throw db.failed("settle deletion " + id, e);
    }
  }

  /** See {@link DeletionQueue#recordFailedDeletionAttempt}. */
  void recordFailedAttempt(long id, String error) {
    try {
      Connection c = db.connection();
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE deletion SET attempts = attempts + 1, detail = ?"
                  + " WHERE id = ? AND state = 'pending'")) {
        ps.setString(1, error);
        ps.setLong(2, id);
        ps.executeUpdate();
      }
      c.commit();
    } catch (SQLException e) {
      throw db.failed("record a deletion attempt", e);
    }
  }
}
