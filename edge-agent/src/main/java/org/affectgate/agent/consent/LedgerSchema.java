package org.affectgate.agent.consent;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The consent ledger's schema, versioned with {@code PRAGMA user_version}: {@code consent_ledger}
 * (append-only: triggers abort UPDATE and DELETE), {@code consent_current} (one device per active
 * {@value Purposes#WELLNESS_HR} consent, by a partial unique index) and the migration from the
 * walking skeleton's {@code consent_event} table, which held participant ids in the clear.
 *
 * <p>Blocking; called once by {@link ConsentStore#open} under no lock (the store is not shared
 * yet). Database failures are thrown as {@link SQLException}.
 */
final class LedgerSchema {
  static final int VERSION = 2;

  private static final String[] DDL = {
    """
    CREATE TABLE IF NOT EXISTS consent_ledger (
      seq INTEGER PRIMARY KEY,
      at_ms INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('GRANT', 'WITHDRAW', 'ERASE', 'NOTICE_SHOWN')),
      subject TEXT NOT NULL,
      purpose TEXT NOT NULL,
      scope TEXT NOT NULL,
      expires_ms INTEGER,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL)""",
    """
    CREATE TRIGGER IF NOT EXISTS consent_ledger_no_update BEFORE UPDATE ON consent_ledger
    BEGIN SELECT RAISE(ABORT, 'consent_ledger is append-only'); END""",
    """
    CREATE TRIGGER IF NOT EXISTS consent_ledger_no_delete BEFORE DELETE ON consent_ledger
    BEGIN SELECT RAISE(ABORT, 'consent_ledger is append-only'); END""",
    """
    CREATE TABLE IF NOT EXISTS consent_current (
      subject TEXT NOT NULL,
      purpose TEXT NOT NULL,
      device TEXT,
      site TEXT NOT NULL,
      programme TEXT,
      granted_ms INTEGER NOT NULL,
      expires_ms INTEGER,
      revoked_ms INTEGER,
      PRIMARY KEY (subject, purpose))""",
    """
    CREATE UNIQUE INDEX IF NOT EXISTS consent_current_active_device
    ON consent_current (device) WHERE revoked_ms IS NULL AND device IS NOT NULL""",
    "CREATE INDEX IF NOT EXISTS consent_ledger_subject ON consent_ledger (subject, kind)",
    "PRAGMA user_version = " + VERSION
  };

  private LedgerSchema() {}

  /**
   * Brings the file to this schema version. A file already at it is only read, so that a full
   * disk's ledger can still be opened to record a withdrawal. Otherwise the schema is created (and
   * a walking-skeleton database converted) in one transaction; after a conversion the file is
   * vacuumed and its WAL truncated, so that no participant id remains on disk.
   *
   * @param pseudonyms the site's, for converting participant ids
   * @throws ConsentStoreException when creating or converting the schema fails
   * @throws SQLException when reading the version or vacuuming fails
   */
  static void ensure(LedgerDatabase db, SubjectPseudonyms pseudonyms) throws SQLException {
    if (current(db.connection())) {
      return;
    }
    int migrated;
    try {
      migrated =
          db.transaction(
              c -> {
                try (Statement st = c.createStatement()) {
                  boolean legacy = hasTable(st, "consent_event");
                  if (legacy) {
                    st.execute("DROP INDEX IF EXISTS consent_current_active_device");
                    st.execute("ALTER TABLE consent_current RENAME TO consent_current_v1");
                  }
                  for (String ddl : DDL) {
                    st.execute(ddl);
                  }
                  return legacy ? migrateLegacy(c, st, pseudonyms) : -1;
                }
              });
    } catch (SQLException e) {
      throw db.failed(e);
    }
    if (migrated >= 0) {
      try (Statement st = db.connection().createStatement()) {
        st.execute("VACUUM");
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    }
  }

  /** Whether the file already has this schema version and no pre-ledger table. */
  private static boolean current(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      int version;
      try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
        version = rs.next() ? rs.getInt(1) : 0;
      }
      return version == VERSION && !hasTable(st, "consent_event");
    }
  }

  private static boolean hasTable(Statement st, String name) throws SQLException {
    try (ResultSet rs =
        st.executeQuery(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'")) {
      return rs.next();
    }
  }

  /**
   * Converts the walking skeleton's {@code consent_event} rows into ledger entries: each GRANT
   * becomes a {@value Purposes#WELLNESS_HR} grant, each REVOKE a withdrawal, with the participant
   * id replaced by its pseudonym; then the old tables are dropped, so no participant id remains in
   * the file (SQLite may keep freed pages until the next VACUUM, which the caller runs).
   *
   * @return events converted
   */
  private static int migrateLegacy(Connection c, Statement st, SubjectPseudonyms pseudonyms)
      throws SQLException {
    record Event(
        long atMs, String kind, String participant, String device, String site, String programme) {}
    List<Event> events = new ArrayList<>();
    try (ResultSet rs =
        st.executeQuery(
            "SELECT at_ms, kind, participant, device, site, programme FROM consent_event"
                + " ORDER BY id")) {
      while (rs.next()) {
        events.add(
            new Event(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6)));
      }
    }
    for (Event e : events) {
      String subject = pseudonyms.of(e.participant());
      Instant at = Instant.ofEpochMilli(e.atMs());
      if (e.kind().equals("GRANT")) {
        String scope = LedgerWriter.deviceScope(e.device(), e.site(), e.programme());
        LedgerWriter.grant(c, subject, Purposes.WELLNESS_HR, scope, at, null);
      } else {
        LedgerWriter.withdraw(c, subject, Purposes.WELLNESS_HR, at, null);
      }
    }
    st.execute("DROP TABLE consent_event");
    st.execute("DROP TABLE consent_current_v1");
    return events.size();
  }
}
