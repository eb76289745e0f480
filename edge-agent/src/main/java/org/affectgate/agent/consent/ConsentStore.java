package org.affectgate.agent.consent;

import io.vertx.core.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.sqlite.SQLiteConfig;

/**
 * Consent records in SQLite: an append-only history ({@code consent_event}, guarded by triggers
 * against UPDATE and DELETE) and the current state per participant ({@code consent_current}). A
 * participant has at most one device; a device has at most one participant with an active consent.
 *
 * <p>The database runs in WAL mode with {@code synchronous=FULL} (a recorded revoke survives power
 * loss) and a 5 s busy timeout; write transactions begin IMMEDIATE, so several processes (the agent
 * and a CLI {@code consent grant}) can share the file. The newest event id is a change counter: it
 * grows with every recorded grant or revoke, from any process.
 *
 * <p>Threading: every method blocks on disk I/O and is serialised on this instance. Call from
 * worker threads ({@code executeBlocking}) or a CLI main thread, never from an event loop (this is
 * checked and throws {@link IllegalStateException}). Database failures throw {@link
 * ConsentStoreException}; invalid ids throw {@link IllegalArgumentException} (validate first with
 * {@link ConsentIds}).
 */
public final class ConsentStore implements AutoCloseable {
  /** The only purpose recorded so far: heart-rate wellness aggregation. */
  public static final String PURPOSE = "wellness-hr";

  private static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS consent_event (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at_ms INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('GRANT', 'REVOKE')),
      participant TEXT NOT NULL,
      device TEXT,
      site TEXT,
      programme TEXT,
      purpose TEXT NOT NULL)""",
    """
    CREATE TRIGGER IF NOT EXISTS consent_event_no_update BEFORE UPDATE ON consent_event
    BEGIN SELECT RAISE(ABORT, 'consent_event is append-only'); END""",
    """
    CREATE TRIGGER IF NOT EXISTS consent_event_no_delete BEFORE DELETE ON consent_event
    BEGIN SELECT RAISE(ABORT, 'consent_event is append-only'); END""",
    """
    CREATE TABLE IF NOT EXISTS consent_current (
      participant TEXT PRIMARY KEY,
      device TEXT NOT NULL,
      site TEXT NOT NULL,
      programme TEXT NOT NULL,
      purpose TEXT NOT NULL,
      granted_ms INTEGER NOT NULL,
      revoked_ms INTEGER)""",
    """
    CREATE UNIQUE INDEX IF NOT EXISTS consent_current_active_device
    ON consent_current (device) WHERE revoked_ms IS NULL"""
  };

  private final Path file;
  private final Connection conn;

  private ConsentStore(Path file, Connection conn) {
    this.file = file;
    this.conn = conn;
  }

  /** Opens (creating if needed) the database named by the config. */
  public static ConsentStore open(ConsentConfig config) {
    Path file = config.file().toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
      SQLiteConfig sqlite = new SQLiteConfig();
      sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
      sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      sqlite.setBusyTimeout(5000);
      sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      Connection conn = sqlite.createConnection("jdbc:sqlite:" + file);
      try (Statement st = conn.createStatement()) {
        for (String ddl : SCHEMA) {
          st.execute(ddl);
        }
      } catch (SQLException e) {
        conn.close();
        throw e;
      }
      return new ConsentStore(file, conn);
    } catch (SQLException | IOException e) {
      throw new ConsentStoreException("cannot open consent database " + file, e);
    }
  }

  /**
   * Records an active {@value #PURPOSE} consent and binds {@code deviceId} to the participant,
   * replacing the participant's previous device and renewing an existing grant.
   *
   * @return {@link GrantOutcome#DEVICE_TAKEN} (nothing recorded) when another participant holds the
   *     device with an active consent
   */
  public synchronized GrantOutcome grant(
      String participantId, String deviceId, String site, String programme, Instant at) {
    ConsentIds.requireParticipant(participantId);
    ConsentIds.requireId("device", deviceId);
    ConsentIds.requireId("site", site);
    ConsentIds.requireId("programme", programme);
    checkThread();
    return inTransaction(
        () -> {
          try (PreparedStatement q =
              conn.prepareStatement(
                  "SELECT participant FROM consent_current"
                      + " WHERE device = ? AND revoked_ms IS NULL AND participant <> ?")) {
            q.setString(1, deviceId);
            q.setString(2, participantId);
            try (ResultSet rs = q.executeQuery()) {
              if (rs.next()) {
                return GrantOutcome.DEVICE_TAKEN;
              }
            }
          }
          appendEvent(at, "GRANT", participantId, deviceId, site, programme);
          try (PreparedStatement up =
              conn.prepareStatement(
                  "INSERT INTO consent_current"
                      + " (participant, device, site, programme, purpose, granted_ms, revoked_ms)"
                      + " VALUES (?, ?, ?, ?, ?, ?, NULL)"
                      + " ON CONFLICT (participant) DO UPDATE SET device = excluded.device,"
                      + " site = excluded.site, programme = excluded.programme,"
                      + " purpose = excluded.purpose, granted_ms = excluded.granted_ms,"
                      + " revoked_ms = NULL")) {
            up.setString(1, participantId);
            up.setString(2, deviceId);
            up.setString(3, site);
            up.setString(4, programme);
            up.setString(5, PURPOSE);
            up.setLong(6, at.toEpochMilli());
            up.executeUpdate();
          }
          return GrantOutcome.GRANTED;
        });
  }

  /**
   * Revokes the participant's active consent; the device binding ends with it.
   *
   * @return false (nothing recorded) when the participant has no active consent
   */
  public synchronized boolean revoke(String participantId, Instant at) {
    ConsentIds.requireParticipant(participantId);
    checkThread();
    return inTransaction(
        () -> {
          try (PreparedStatement up =
              conn.prepareStatement(
                  "UPDATE consent_current SET revoked_ms = ?"
                      + " WHERE participant = ? AND revoked_ms IS NULL")) {
            up.setLong(1, at.toEpochMilli());
            up.setString(2, participantId);
            if (up.executeUpdate() == 0) {
              return false;
            }
          }
          appendEvent(at, "REVOKE", participantId, null, null, null);
          return true;
        });
  }

  /** Every participant ever recorded, active or revoked, sorted by participant id. */
  public synchronized List<ConsentRecord> list() {
    checkThread();
    return read(
        () -> {
          List<ConsentRecord> out = new ArrayList<>();
          try (Statement st = conn.createStatement();
              ResultSet rs =
                  st.executeQuery(
                      "SELECT participant, device, site, programme, purpose, granted_ms,"
                          + " revoked_ms FROM consent_current ORDER BY participant")) {
            while (rs.next()) {
              long revoked = rs.getLong(7);
              boolean active = rs.wasNull();
              out.add(
                  new ConsentRecord(
                      rs.getString(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getString(4),
                      rs.getString(5),
                      Instant.ofEpochMilli(rs.getLong(6)),
                      active ? null : Instant.ofEpochMilli(revoked)));
            }
          }
          return out;
        });
  }

  /** Active bindings by device id. */
  public synchronized Map<String, Binding> activeBindings() {
    checkThread();
    return read(this::readBindings);
  }

  /** Id of the newest history event, 0 when there is none; grows with every recorded change. */
  public synchronized long lastEventId() {
    checkThread();
    return read(this::readLastEventId);
  }

  /**
   * Bindings, the newest event id {@code L} and the participants revoked in {@code (afterEventId,
   * L]}. Read without a transaction (so polling never takes a lock writers wait for): {@code L} is
   * read first, so a change committed meanwhile is either in the bindings already or reported by
   * the next call, never lost.
   */
  synchronized ConsentSnapshot snapshotAfter(long afterEventId) {
    checkThread();
    return read(
        () -> {
          long last = readLastEventId();
          Set<String> revoked = new HashSet<>();
          if (last > afterEventId) {
            try (PreparedStatement q =
                conn.prepareStatement(
                    "SELECT DISTINCT participant FROM consent_event"
                        + " WHERE id > ? AND id <= ? AND kind = 'REVOKE'")) {
              q.setLong(1, afterEventId);
              q.setLong(2, last);
              try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                  revoked.add(rs.getString(1));
                }
              }
            }
          }
          return new ConsentSnapshot(readBindings(), last, revoked);
        });
  }

  /** Grant and revoke events in order, for audits and tests: {@code id kind participant at_ms}. */
  public synchronized List<String> history() {
    checkThread();
    return read(
        () -> {
          List<String> out = new ArrayList<>();
          try (Statement st = conn.createStatement();
              ResultSet rs =
                  st.executeQuery(
                      "SELECT id, kind, participant, at_ms FROM consent_event ORDER BY id")) {
            while (rs.next()) {
              out.add(
                  rs.getLong(1)
                      + " "
                      + rs.getString(2)
                      + " "
                      + rs.getString(3)
                      + " "
                      + rs.getLong(4));
            }
          }
          return out;
        });
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized void close() {
    try {
      conn.close();
    } catch (SQLException e) {
      throw new ConsentStoreException("cannot close consent database " + file, e);
    }
  }

  private Map<String, Binding> readBindings() throws SQLException {
    Map<String, Binding> out = new HashMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT device, participant, site, programme FROM consent_current"
                    + " WHERE revoked_ms IS NULL")) {
      while (rs.next()) {
        out.put(rs.getString(1), new Binding(rs.getString(2), rs.getString(3), rs.getString(4)));
      }
    }
    return out;
  }

  private long readLastEventId() throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM consent_event")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void appendEvent(
      Instant at, String kind, String participant, String device, String site, String programme)
      throws SQLException {
    try (PreparedStatement ins =
        conn.prepareStatement(
            "INSERT INTO consent_event (at_ms, kind, participant, device, site, programme, purpose)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ins.setLong(1, at.toEpochMilli());
      ins.setString(2, kind);
      ins.setString(3, participant);
      ins.setString(4, device);
      ins.setString(5, site);
      ins.setString(6, programme);
      ins.setString(7, PURPOSE);
      ins.executeUpdate();
    }
  }

  private interface Work<T> {
    T run() throws SQLException;
  }

  private <T> T read(Work<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw new ConsentStoreException("consent database " + file + " failed", e);
    }
  }

  private <T> T inTransaction(Work<T> work) {
    try {
      conn.setAutoCommit(false);
      try {
        T result = work.run();
        conn.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        conn.rollback();
        throw e;
      } finally {
        conn.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new ConsentStoreException("consent database " + file + " failed", e);
    }
  }

  private static void checkThread() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(
          "ConsentStore does blocking I/O; call it from a worker thread");
    }
  }
}
