package org.affectgate.sync.outbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Creates and checks the outbox schema, versioned with {@code PRAGMA user_version}. */
final class OutboxSchema {
  static final int VERSION = 2;

  private static final String[] V1 = {
    "CREATE TABLE pending ("
        + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        + " point_key TEXT NOT NULL UNIQUE,"
        + " line TEXT NOT NULL,"
        + " bytes INTEGER NOT NULL,"
        + " enqueued_at_ms INTEGER NOT NULL,"
        + " attempts INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX pending_enqueued_at ON pending(enqueued_at_ms)",
    "CREATE TABLE synced_keys ("
        + " point_key TEXT PRIMARY KEY,"
        + " synced_at_ms INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE INDEX synced_keys_synced_at ON synced_keys(synced_at_ms)",
    "CREATE TABLE dead_letter ("
        + " id INTEGER PRIMARY KEY,"
        + " line TEXT NOT NULL,"
        + " error TEXT NOT NULL,"
        + " enqueued_at_ms INTEGER NOT NULL,"
        + " dead_at_ms INTEGER NOT NULL,"
        + " attempts INTEGER NOT NULL)",
    "PRAGMA user_version = 1"
  };

  /** Version 2: cloud deletion requests ({@link DeletionQueue}) and their cursor. */
  private static final String[] V2 = {
    "CREATE TABLE deletion ("
        + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        + " measurement TEXT NOT NULL,"
        + " tag_key TEXT NOT NULL,"
        + " tag_value TEXT NOT NULL,"
        + " requested_at_ms INTEGER NOT NULL,"
        + " attempts INTEGER NOT NULL DEFAULT 0,"
        + " state TEXT NOT NULL DEFAULT 'pending'"
        + "   CHECK (state IN ('pending', 'unsupported', 'failed')),"
        + " detail TEXT,"
        + " settled_at_ms INTEGER)",
    "CREATE INDEX deletion_state ON deletion(state, id)",
    "CREATE TABLE deletion_cursor ("
        + " id INTEGER PRIMARY KEY CHECK (id = 1),"
        + " position INTEGER NOT NULL)",
    "PRAGMA user_version = 2"
  };

  private OutboxSchema() {}

  /**
   * Creates the schema in an empty database, upgrades version 1 (adds the deletion tables), accepts
   * the current version, and refuses anything else with a message naming the file. Runs in one
   * transaction.
   */
  static void ensure(Connection conn, Path file) throws SQLException {
    int version;
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      version = rs.next() ? rs.getInt(1) : 0;
    }
    if (version == VERSION) {
      return;
    }
    if (version > VERSION) {
      throw new OutboxException(
          "outbox.file "
              + file
              + " has schema version "
              + version
              + ", newer than this build understands ("
              + VERSION
              + ")");
    }
    if (version == 0 && hasTables(conn)) {
      throw new OutboxException(
          "outbox.file " + file + " is a SQLite database but not an Affectgate outbox");
    }
    try (Statement st = conn.createStatement()) {
      if (version == 0) {
        for (String sql : V1) {
          st.execute(sql);
        }
      }
      for (String sql : V2) {
        st.execute(sql);
      }
    }
    conn.commit();
  }

  private static boolean hasTables(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")) {
      return rs.next() && rs.getInt(1) > 0;
    }
  }
}
