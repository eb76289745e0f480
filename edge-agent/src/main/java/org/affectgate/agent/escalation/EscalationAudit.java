package org.affectgate.agent.escalation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.affectgate.sync.storage.OwnerOnly;

/**
 * The local audit of staff escalations, one SQLite row per escalation: kiosk, raised / re-notified
 * / acknowledged / expired times (epoch ms), outcome, how it was acknowledged, and whether it was
 * the first of its visitor session (for the k floor of the daily aggregate, see {@link
 * DailyAggregate}). Nothing about the person: no session id, no state values, no identity. The file
 * is mode 0600 like the agent's other stores.
 *
 * <p>Threads: blocking; the owner calls it from one worker thread only (the escalation scheduler),
 * never an event loop. Errors: {@link SQLException} from the write methods; the caller counts and
 * logs them.
 */
final class EscalationAudit implements AutoCloseable {
  /** Outcome of an escalation row. */
  enum Outcome {
    OPEN,
    ACKNOWLEDGED,
    EXPIRED
  }

  /** One closed UTC day's figures for {@link DailyAggregate}. */
  record Day(
      LocalDate day, int escalations, int acknowledged, int sessions, List<Long> ackLatenciesMs) {}

  private final Connection db;

  private EscalationAudit(Connection db) {
    this.db = db;
  }

  /**
   * Opens or creates the audit at {@code file} (and its directory), mode 0600.
   *
   * @throws UncheckedIOException naming {@code escalation.auditFile} when it cannot be opened
   */
  static EscalationAudit open(Path file) {
    try {
      Path abs = file.toAbsolutePath();
      Files.createDirectories(abs.getParent());
      OwnerOnly.restrictDatabase(abs);
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + abs);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA busy_timeout=5000");
        s.execute(
            "CREATE TABLE IF NOT EXISTS escalation ("
                + " id TEXT PRIMARY KEY,"
                + " kiosk_id TEXT NOT NULL,"
                + " reason TEXT NOT NULL,"
                + " raised_ms INTEGER NOT NULL,"
                + " renotified_ms INTEGER,"
                + " acknowledged_ms INTEGER,"
                + " ack_via TEXT,"
                + " expired_ms INTEGER,"
                + " outcome TEXT NOT NULL,"
                + " new_session INTEGER NOT NULL)");
        s.execute("CREATE INDEX IF NOT EXISTS escalation_raised ON escalation(raised_ms)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS escalation_day ("
                + " day TEXT PRIMARY KEY, outcome TEXT NOT NULL, at_ms INTEGER NOT NULL)");
      }
      OwnerOnly.restrictDatabase(abs);
      return new EscalationAudit(c);
    } catch (SQLException | IOException e) {
      throw new UncheckedIOException(
          "cannot open the escalation audit " + file + " (escalation.auditFile)",
          e instanceof IOException io ? io : new IOException(e));
    }
  }

  void raised(Escalation e, boolean newSession) throws SQLException {
    try (PreparedStatement p =
        db.prepareStatement(
            "INSERT OR IGNORE INTO escalation (id, kiosk_id, reason, raised_ms, outcome,"
                + " new_session) VALUES (?, ?, ?, ?, 'OPEN', ?)")) {
      p.setString(1, e.id());
      p.setString(2, e.kioskId());
      p.setString(3, e.summary().reason());
      p.setLong(4, e.raisedAt().toEpochMilli());
      p.setInt(5, newSession ? 1 : 0);
      p.executeUpdate();
    }
  }

  void renotified(String id, long atMs) throws SQLException {
    update("UPDATE escalation SET renotified_ms = ? WHERE id = ?", atMs, id);
  }

  void acknowledged(String id, long atMs, String via) throws SQLException {
    try (PreparedStatement p =
        db.prepareStatement(
            "UPDATE escalation SET acknowledged_ms = ?, ack_via = ?, outcome = 'ACKNOWLEDGED'"
                + " WHERE id = ? AND outcome = 'OPEN'")) {
      p.setLong(1, atMs);
      p.setString(2, via);
      p.setString(3, id);
      p.executeUpdate();
    }
  }

  void expired(String id, long atMs) throws SQLException {
    update(
        "UPDATE escalation SET expired_ms = ?, outcome = 'EXPIRED' WHERE id = ? AND outcome ="
            + " 'OPEN'",
        atMs,
        id);
  }

  /**
   * Rows left {@code OPEN} by an agent that stopped before they closed: expired at {@code atMs}.
   *
   * @return how many
   */
  int expireLeftOpen(long atMs) throws SQLException {
    try (PreparedStatement p =
        db.prepareStatement(
            "UPDATE escalation SET expired_ms = ?, outcome = 'EXPIRED' WHERE outcome = 'OPEN'")) {
      p.setLong(1, atMs);
      return p.executeUpdate();
    }
  }

  private void update(String sql, long atMs, String id) throws SQLException {
    try (PreparedStatement p = db.prepareStatement(sql)) {
      p.setLong(1, atMs);
      p.setString(2, id);
      p.executeUpdate();
    }
  }

  /** Per kiosk, the latest raise at or after {@code sinceMs} (epoch ms). */
  Map<String, Long> lastRaisedSince(long sinceMs) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT kiosk_id, max(raised_ms) FROM escalation WHERE raised_ms >= ? GROUP BY"
                + " kiosk_id")) {
      p.setLong(1, sinceMs);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }

  /** The earliest raise not yet aggregated (epoch ms), if any. */
  OptionalLong earliestUnaggregated() throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT min(raised_ms) FROM escalation e WHERE NOT EXISTS (SELECT 1 FROM"
                    + " escalation_day d WHERE d.day = date(e.raised_ms / 1000, 'unixepoch'))")) {
      long v = rs.getLong(1);
      return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
    }
  }

  /** The figures of UTC day {@code day}. */
  Day day(LocalDate day) throws SQLException {
    long from = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    int escalations = 0;
    int acknowledged = 0;
    int sessions = 0;
    List<Long> latencies = new ArrayList<>();
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT outcome, raised_ms, acknowledged_ms, new_session FROM escalation"
                + " WHERE raised_ms >= ? AND raised_ms < ?")) {
      p.setLong(1, from);
      p.setLong(2, to);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          escalations++;
          sessions += rs.getInt(4);
          if ("ACKNOWLEDGED".equals(rs.getString(1))) {
            acknowledged++;
            latencies.add(Math.max(0, rs.getLong(3) - rs.getLong(2)));
          }
        }
      }
    }
    return new Day(day, escalations, acknowledged, sessions, latencies);
  }

  /** Records that {@code day} was aggregated ({@code emitted} or {@code suppressed}). */
  void dayDone(LocalDate day, String outcome, long atMs) throws SQLException {
    try (PreparedStatement p =
        db.prepareStatement(
            "INSERT OR REPLACE INTO escalation_day (day, outcome, at_ms) VALUES (?, ?, ?)")) {
      p.setString(1, day.toString());
      p.setString(2, outcome);
      p.setLong(3, atMs);
      p.executeUpdate();
    }
  }

  /** Deletes rows raised before {@code beforeMs}; returns how many. */
  int deleteBefore(long beforeMs) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("DELETE FROM escalation WHERE raised_ms < ?")) {
      p.setLong(1, beforeMs);
      return p.executeUpdate();
    }
  }

  /** One row for tests and the CLI: outcome and times, by id. */
  Map<String, Object> row(String id) throws SQLException {
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT kiosk_id, raised_ms, renotified_ms, acknowledged_ms, expired_ms, outcome,"
                + " ack_via, new_session FROM escalation WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          return Map.of();
        }
        Map<String, Object> out = new HashMap<>();
        out.put("kioskId", rs.getString(1));
        out.put("raisedMs", rs.getLong(2));
        putNullable(out, "renotifiedMs", rs, 3);
        putNullable(out, "acknowledgedMs", rs, 4);
        putNullable(out, "expiredMs", rs, 5);
        out.put("outcome", rs.getString(6));
        if (rs.getString(7) != null) {
          out.put("ackVia", rs.getString(7));
        }
        out.put("newSession", rs.getInt(8) == 1);
        return out;
      }
    }
  }

  private static void putNullable(Map<String, Object> out, String key, ResultSet rs, int col)
      throws SQLException {
    long v = rs.getLong(col);
    if (!rs.wasNull()) {
      out.put(key, v);
    }
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // closing at shutdown: nothing more to do
    }
  }
}
