package org.affectgate.agent.consent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every change to the consent ledger: an entry appended to the hash chain ({@code consent_ledger},
 * see {@link LedgerEntry} for the hash) together with the change of the current state ({@code
 * consent_current}) it stands for, so that a replay of the ledger always yields the current state.
 * Entries are only ever appended; the next sequence number and the previous hash are read from the
 * newest entry, which is safe because the caller's transaction is IMMEDIATE (it holds the write
 * lock from its first statement).
 *
 * <p>Every method runs inside a transaction the caller opened on {@code c} ({@link
 * LedgerDatabase#transaction}) and commits nothing itself. Arguments are already validated and
 * subjects already pseudonyms. Database failures are thrown as {@link SQLException}.
 */
final class LedgerWriter {
  private LedgerWriter() {}

  /**
   * Records an active {@value Purposes#WELLNESS_HR} consent binding {@code deviceId} to the
   * subject, replacing the subject's previous device and renewing an existing grant. A holder of
   * the device whose consent expired by {@code at} is withdrawn first.
   *
   * @return {@link GrantOutcome#DEVICE_TAKEN} (nothing written) when another subject holds the
   *     device with a consent that is neither withdrawn nor expired at {@code at}
   */
  static GrantOutcome grantDevice(
      Connection c,
      String subject,
      String deviceId,
      String site,
      String programme,
      Instant at,
      Instant expiresAt)
      throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT subject, expires_ms FROM consent_current"
                + " WHERE device = ? AND revoked_ms IS NULL AND subject <> ?")) {
      q.setString(1, deviceId);
      q.setString(2, subject);
      try (ResultSet rs = q.executeQuery()) {
        if (rs.next()) {
          String holder = rs.getString(1);
          long expires = rs.getLong(2);
          boolean expired = !rs.wasNull() && expires <= at.toEpochMilli();
          if (!expired) {
            return GrantOutcome.DEVICE_TAKEN;
          }
          withdraw(c, holder, Purposes.WELLNESS_HR, at, null);
        }
      }
    }
    grant(c, subject, Purposes.WELLNESS_HR, deviceScope(deviceId, site, programme), at, expiresAt);
    return GrantOutcome.GRANTED;
  }

  /** The scope of a device grant; a null value is left out. */
  static String deviceScope(String deviceId, String site, String programme) {
    Map<String, String> scope = new HashMap<>();
    scope.put(Scope.DEVICE, deviceId);
    scope.put(Scope.SITE, site);
    scope.put(Scope.PROGRAMME, programme);
    return Scope.render(scope);
  }

  /** The scope of a grant or notice at a site only. */
  static String siteScope(String site) {
    return Scope.render(Map.of(Scope.SITE, site));
  }

  /** The scope of a kiosk session's grant: the site and the kiosk message's own {@code ts}. */
  static String kioskGrantScope(String site, long tsMs) {
    return Scope.render(Map.of(Scope.SITE, site, Scope.TS, Long.toString(tsMs)));
  }

  /**
   * Appends a {@link EntryKind#GRANT} and makes it the subject's current consent for {@code
   * purpose} (renewing a withdrawn or expired one).
   *
   * @param scope rendered by {@link Scope#render}; its device, site and programme are copied into
   *     the current state
   * @param expires when the consent lapses by itself, or null for never
   */
  static void grant(
      Connection c, String subject, String purpose, String scope, Instant at, Instant expires)
      throws SQLException {
    Long expiresMs = expires == null ? null : expires.toEpochMilli();
    append(c, at, EntryKind.GRANT, subject, purpose, scope, expiresMs);
    Map<String, String> s = Scope.parse(scope);
    try (PreparedStatement up =
        c.prepareStatement(
            "INSERT INTO consent_current"
                + " (subject, purpose, device, site, programme, granted_ms, expires_ms, revoked_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, NULL)"
                + " ON CONFLICT (subject, purpose) DO UPDATE SET device = excluded.device,"
                + " site = excluded.site, programme = excluded.programme,"
                + " granted_ms = excluded.granted_ms, expires_ms = excluded.expires_ms,"
                + " revoked_ms = NULL")) {
      up.setString(1, subject);
      up.setString(2, purpose);
      up.setString(3, s.get(Scope.DEVICE));
      up.setString(4, s.get(Scope.SITE));
      up.setString(5, s.get(Scope.PROGRAMME));
      up.setLong(6, at.toEpochMilli());
      setLongOrNull(up, 7, expiresMs);
      up.executeUpdate();
    }
  }

  /**
   * Withdraws the subject's consent for one purpose: marks it revoked and appends a {@link
   * EntryKind#WITHDRAW}.
   *
   * @param grantedUpToMs when not null, only a consent granted at or before this time (epoch ms) is
   *     withdrawn
   * @return false (nothing written) when no such consent was active
   */
  static boolean withdraw(
      Connection c, String subject, String purpose, Instant at, Long grantedUpToMs)
      throws SQLException {
    try (PreparedStatement up =
        c.prepareStatement(
            "UPDATE consent_current SET revoked_ms = ?"
                + " WHERE subject = ? AND purpose = ? AND revoked_ms IS NULL"
                + (grantedUpToMs == null ? "" : " AND granted_ms <= ?"))) {
      up.setLong(1, at.toEpochMilli());
      up.setString(2, subject);
      up.setString(3, purpose);
      if (grantedUpToMs != null) {
        up.setLong(4, grantedUpToMs);
      }
      if (up.executeUpdate() == 0) {
        return false;
      }
    }
    append(c, at, EntryKind.WITHDRAW, subject, purpose, "", null);
    return true;
  }

  /**
   * Withdraws every active consent of the subject, one entry per purpose in purpose order.
   *
   * @param grantedUpToMs as for {@link #withdraw}
   * @return how many were withdrawn
   */
  static int withdrawAll(Connection c, String subject, Instant at, Long grantedUpToMs)
      throws SQLException {
    List<String> purposes = new ArrayList<>();
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT purpose FROM consent_current WHERE subject = ? AND revoked_ms IS NULL"
                + (grantedUpToMs == null ? "" : " AND granted_ms <= ?")
                + " ORDER BY purpose")) {
      q.setString(1, subject);
      if (grantedUpToMs != null) {
        q.setLong(2, grantedUpToMs);
      }
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          purposes.add(rs.getString(1));
        }
      }
    }
    for (String p : purposes) {
      withdraw(c, subject, p, at, grantedUpToMs);
    }
    return purposes.size();
  }

  /**
   * Erases the subject: withdraws whatever is active, appends an {@link EntryKind#ERASE} for
   * {@value Purposes#ALL} and deletes the subject's current-state rows ({@code secure_delete}
   * overwrites them).
   *
   * @return false (nothing written) when the subject has no current state
   */
  static boolean erase(Connection c, String subject, Instant at) throws SQLException {
    if (!LedgerReader.hasCurrentState(c, subject, null)) {
      return false;
    }
    withdrawAll(c, subject, at, null);
    append(c, at, EntryKind.ERASE, subject, Purposes.ALL, "", null);
    try (PreparedStatement del =
        c.prepareStatement("DELETE FROM consent_current WHERE subject = ?")) {
      del.setString(1, subject);
      del.executeUpdate();
    }
    return true;
  }

  /** Appends a {@link EntryKind#NOTICE_SHOWN}; the current state does not change. */
  static void noticeShown(Connection c, String subject, String purpose, String site, Instant at)
      throws SQLException {
    append(c, at, EntryKind.NOTICE_SHOWN, subject, purpose, siteScope(site), null);
  }

  /**
   * Retention: erases the current-state rows whose consent ended (withdrawn, or expired) at least
   * their purpose's retention before {@code now}, each with an {@link EntryKind#ERASE} for that
   * purpose and scope {@code reason=retention}. Purposes without a retention are kept.
   *
   * @return rows erased
   */
  static int reapEnded(Connection c, Instant now, Map<String, Duration> retention)
      throws SQLException {
    record Ended(String subject, String purpose) {}
    List<Ended> due = new ArrayList<>();
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT subject, purpose, coalesce(revoked_ms, expires_ms) FROM consent_current"
                + " WHERE revoked_ms IS NOT NULL OR expires_ms IS NOT NULL"
                + " ORDER BY subject, purpose")) {
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          Duration keep = retention.get(rs.getString(2));
          long endedMs = rs.getLong(3);
          if (keep != null
              && endedMs <= now.toEpochMilli()
              && now.toEpochMilli() - endedMs >= keep.toMillis()) {
            due.add(new Ended(rs.getString(1), rs.getString(2)));
          }
        }
      }
    }
    for (Ended e : due) {
      append(c, now, EntryKind.ERASE, e.subject(), e.purpose(), "reason=retention", null);
      try (PreparedStatement del =
          c.prepareStatement("DELETE FROM consent_current WHERE subject = ? AND purpose = ?")) {
        del.setString(1, e.subject());
        del.setString(2, e.purpose());
        del.executeUpdate();
      }
    }
    return due.size();
  }

  /** Appends one entry, linked to the newest: the only INSERT into {@code consent_ledger}. */
  private static void append(
      Connection c,
      Instant at,
      EntryKind kind,
      String subject,
      String purpose,
      String scope,
      Long expiresMs)
      throws SQLException {
    long seq;
    String prev;
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT seq, hash FROM consent_ledger ORDER BY seq DESC LIMIT 1")) {
      if (rs.next()) {
        seq = rs.getLong(1) + 1;
        prev = rs.getString(2);
      } else {
        seq = 1;
        prev = LedgerEntry.GENESIS;
      }
    }
    long atMs = at.toEpochMilli();
    String hash = LedgerEntry.hashOf(seq, atMs, kind, subject, purpose, scope, expiresMs, prev);
    try (PreparedStatement ins =
        c.prepareStatement(
            "INSERT INTO consent_ledger"
                + " (seq, at_ms, kind, subject, purpose, scope, expires_ms, prev_hash, hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ins.setLong(1, seq);
      ins.setLong(2, atMs);
      ins.setString(3, kind.name());
      ins.setString(4, subject);
      ins.setString(5, purpose);
      ins.setString(6, scope);
      setLongOrNull(ins, 7, expiresMs);
      ins.setString(8, prev);
      ins.setString(9, hash);
      ins.executeUpdate();
    }
  }

  private static void setLongOrNull(PreparedStatement ps, int index, Long value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setLong(index, value);
    }
  }
}
