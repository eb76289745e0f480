package org.affectgate.agent.consent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The read model of the consent ledger: queries of the current state ({@code consent_current}) and
 * of the entries ({@code consent_ledger}), turned into the values the gate, the CLI and the cloud
 * deletions use. Reads only; runs on whatever connection it is given, in a transaction or not.
 * Database failures are thrown as {@link SQLException}.
 */
final class LedgerReader {
  private LedgerReader() {}

  /** Current state of every (subject, purpose), sorted by subject then purpose. */
  static List<ConsentRecord> records(Connection c) throws SQLException {
    List<ConsentRecord> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT subject, device, site, programme, purpose, granted_ms, expires_ms,"
                    + " revoked_ms FROM consent_current ORDER BY subject, purpose")) {
      while (rs.next()) {
        out.add(
            new ConsentRecord(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)),
                instantOrNull(rs, 7),
                instantOrNull(rs, 8)));
      }
    }
    return out;
  }

  /**
   * Bindings of {@value Purposes#WELLNESS_HR} consents not withdrawn (expired ones included), by
   * device id.
   */
  static Map<String, Binding> bindings(Connection c) throws SQLException {
    Map<String, Binding> out = new HashMap<>();
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT device, subject, site, programme, expires_ms FROM consent_current"
                + " WHERE revoked_ms IS NULL AND device IS NOT NULL AND purpose = ?")) {
      st.setString(1, Purposes.WELLNESS_HR);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Long expires = longOrNull(rs, 5);
          out.put(
              rs.getString(1),
              new Binding(
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  expires == null ? Long.MAX_VALUE : expires));
        }
      }
    }
    return out;
  }

  /**
   * Subjects with a {@value Purposes#WELLNESS_HR_SYNC} consent not withdrawn, with its expiry in
   * epoch ms ({@link Long#MAX_VALUE} for never).
   */
  static Map<String, Long> syncOptIns(Connection c) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT subject, expires_ms FROM consent_current"
                + " WHERE revoked_ms IS NULL AND purpose = ?")) {
      st.setString(1, Purposes.WELLNESS_HR_SYNC);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Long expires = longOrNull(rs, 2);
          out.put(rs.getString(1), expires == null ? Long.MAX_VALUE : expires);
        }
      }
    }
    return out;
  }

  /** Sequence number of the newest entry, 0 when there is none. */
  static long lastSeq(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM consent_ledger")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Bindings, the newest sequence number {@code L} and the subjects withdrawn or erased in {@code
   * (afterEventId, L]}. Meant to run without a transaction: {@code L} is read first, so a change
   * committed meanwhile is either in the bindings already or reported by the next call, never lost.
   */
  static ConsentSnapshot snapshotAfter(Connection c, long afterEventId) throws SQLException {
    long last = lastSeq(c);
    Set<String> revoked = new HashSet<>();
    if (last > afterEventId) {
      try (PreparedStatement q =
          c.prepareStatement(
              "SELECT DISTINCT subject FROM consent_ledger"
                  + " WHERE seq > ? AND seq <= ? AND kind IN ('WITHDRAW', 'ERASE')")) {
        q.setLong(1, afterEventId);
        q.setLong(2, last);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            revoked.add(rs.getString(1));
          }
        }
      }
    }
    return new ConsentSnapshot(bindings(c), last, revoked, syncOptIns(c));
  }

  /** See {@link ConsentStore#syncWithdrawalsAfter}. */
  static SyncWithdrawals syncWithdrawalsAfter(Connection c, long afterSeq) throws SQLException {
    long last = lastSeq(c);
    Set<String> subjects = new TreeSet<>();
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT DISTINCT w.subject FROM consent_ledger w"
                + " WHERE w.seq > ? AND w.seq <= ?"
                + " AND ((w.kind = 'WITHDRAW' AND w.purpose IN (?, ?))"
                + "   OR (w.kind = 'ERASE' AND w.purpose = ?))"
                + " AND EXISTS (SELECT 1 FROM consent_ledger g WHERE g.subject = w.subject"
                + "   AND g.kind = 'GRANT' AND g.purpose = ? AND g.seq < w.seq)")) {
      q.setLong(1, afterSeq);
      q.setLong(2, last);
      q.setString(3, Purposes.WELLNESS_HR);
      q.setString(4, Purposes.WELLNESS_HR_SYNC);
      q.setString(5, Purposes.ALL);
      q.setString(6, Purposes.WELLNESS_HR_SYNC);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          subjects.add(rs.getString(1));
        }
      }
    }
    return new SyncWithdrawals(Math.max(last, afterSeq), subjects);
  }

  /**
   * Whether the ledger holds a {@link EntryKind#GRANT} of {@code purpose} to {@code subject} with
   * exactly this scope (the index on subject and kind finds the subject's grants).
   */
  static boolean hasGrant(Connection c, String subject, String purpose, String scope)
      throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT 1 FROM consent_ledger WHERE subject = ? AND kind = 'GRANT'"
                + " AND purpose = ? AND scope = ? LIMIT 1")) {
      q.setString(1, subject);
      q.setString(2, purpose);
      q.setString(3, scope);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Every entry in sequence order; an unknown kind is read as a null {@link EntryKind}. */
  static List<LedgerEntry> entries(Connection c) throws SQLException {
    List<LedgerEntry> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT seq, at_ms, kind, subject, purpose, scope, expires_ms, prev_hash,"
                    + " hash FROM consent_ledger ORDER BY seq")) {
      while (rs.next()) {
        EntryKind kind;
        try {
          kind = EntryKind.valueOf(rs.getString(3));
        } catch (IllegalArgumentException e) {
          kind = null;
        }
        out.add(
            new LedgerEntry(
                rs.getLong(1),
                rs.getLong(2),
                kind,
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                longOrNull(rs, 7),
                rs.getString(8),
                rs.getString(9)));
      }
    }
    return out;
  }

  /** Every current-state row as stored, for {@link LedgerReplay}. */
  static List<LedgerReplay.Row> currentRows(Connection c) throws SQLException {
    List<LedgerReplay.Row> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT subject, purpose, device, site, programme, granted_ms, expires_ms,"
                    + " revoked_ms FROM consent_current")) {
      while (rs.next()) {
        out.add(
            new LedgerReplay.Row(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getLong(6),
                longOrNull(rs, 7),
                longOrNull(rs, 8)));
      }
    }
    return out;
  }

  /**
   * Whether the subject has a current-state row: any when {@code activePurpose} is null, else an
   * active one for that purpose.
   */
  static boolean hasCurrentState(Connection c, String subject, String activePurpose)
      throws SQLException {
    String sql =
        activePurpose == null
            ? "SELECT 1 FROM consent_current WHERE subject = ?"
            : "SELECT 1 FROM consent_current WHERE subject = ? AND purpose = ?"
                + " AND revoked_ms IS NULL";
    try (PreparedStatement q = c.prepareStatement(sql)) {
      q.setString(1, subject);
      if (activePurpose != null) {
        q.setString(2, activePurpose);
      }
      try (ResultSet rs = q.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Whether the subject has any consent not withdrawn (expired ones included). */
  static boolean hasActive(Connection c, String subject) throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT 1 FROM consent_current WHERE subject = ? AND revoked_ms IS NULL")) {
      q.setString(1, subject);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static Long longOrNull(ResultSet rs, int col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : v;
  }

  private static Instant instantOrNull(ResultSet rs, int col) throws SQLException {
    Long v = longOrNull(rs, col);
    return v == null ? null : Instant.ofEpochMilli(v);
  }
}
