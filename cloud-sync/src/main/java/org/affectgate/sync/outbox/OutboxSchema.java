package org.affectgate.sync.outbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Creates and checks the outbox schema, versioned with {@code PRAGMA user_version}. */
final class OutboxSchema {
  static final int VERSION = 1;

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
    "PRAGMA user_version = " + VERSION
  };

  private OutboxSchema() {}

  /**
   * Creates the schema in an empty database, accepts the current version, and refuses anything else
   * with a message naming the file. Runs in one transaction.
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
    if (hasTables(conn)) {
      throw new OutboxException(
          "outbox.file " + file + " is a SQLite database but not an Affectgate outbox");
    }
    try (Statement st = conn.createStatement()) {
      for (String sql : V1) {
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
