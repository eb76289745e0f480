package org.affectgate.agent.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.affectgate.agent.cli.AffectgateCli;
import org.sqlite.SQLiteConfig;
import picocli.CommandLine;

/**
 * Checks on the agent's SQLite stores from outside the agent. A store left by {@code kill -9} is
 * checked on a <em>copy</em> (database, {@code -wal} and {@code -shm}), so that the agent, not the
 * test, is the first to open and recover the original.
 */
final class Stores {
  private Stores() {}

  /**
   * Copies {@code db} and its WAL files into {@code scratch} (replacing earlier copies).
   *
   * @return the copy of the database file
   */
  static Path snapshot(Path db, Path scratch) {
    try {
      Files.createDirectories(scratch);
      for (String suffix : List.of("", "-wal", "-shm")) {
        Path from = db.resolveSibling(db.getFileName() + suffix);
        Path to = scratch.resolve(db.getFileName() + suffix);
        Files.deleteIfExists(to);
        if (Files.exists(from)) {
          Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return scratch.resolve(db.getFileName());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + db, e);
    }
  }

  /** {@code PRAGMA integrity_check} of a database: {@code ok} or SQLite's list of problems. */
  static String integrity(Path db) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
      List<String> lines = new ArrayList<>();
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
      return String.join("; ", lines);
    } catch (SQLException e) {
      return "cannot open: " + e.getMessage();
    }
  }

  /**
   * Keys ({@code measurement,tags timestamp}) of every point the outbox holds as pending or as
   * acknowledged ({@code synced_keys}): the points whose enqueue committed and that were not erased
   * or dropped since. Opens the file read-write (a WAL left by a crash is recovered): pass a {@link
   * #snapshot} unless the agent stopped cleanly.
   */
  static Set<String> outboxKeys(Path outboxDb) {
    Set<String> keys = new TreeSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + outboxDb);
        Statement st = c.createStatement()) {
      for (String sql :
          List.of("SELECT point_key FROM pending", "SELECT point_key FROM synced_keys")) {
        try (ResultSet rs = st.executeQuery(sql)) {
          while (rs.next()) {
            keys.add(rs.getString(1));
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + outboxDb + ": " + e.getMessage(), e);
    }
    return keys;
  }

  /**
   * A row of the outbox's {@code pending} table.
   *
   * @param id the row id (AUTOINCREMENT: ids only grow)
   * @param attempts failed deliveries recorded for it
   * @param enqueuedAtMs when its enqueue committed, epoch milliseconds
   */
  record PendingRow(long id, int attempts, long enqueuedAtMs) {}

  /**
   * The {@code pending} rows by point key (as {@link #outboxKeys}, pass a snapshot after a crash).
   */
  static Map<String, PendingRow> pendingRows(Path outboxDb) {
    Map<String, PendingRow> rows = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + outboxDb);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT point_key, id, attempts, enqueued_at_ms FROM pending")) {
      while (rs.next()) {
        rows.put(rs.getString(1), new PendingRow(rs.getLong(2), rs.getInt(3), rs.getLong(4)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + outboxDb + ": " + e.getMessage(), e);
    }
    return rows;
  }

  /** {@code synced_keys} by point key: when each acknowledgement committed, epoch milliseconds. */
  static Map<String, Long> syncedAt(Path outboxDb) {
    Map<String, Long> synced = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + outboxDb);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT point_key, synced_at_ms FROM synced_keys")) {
      while (rs.next()) {
        synced.put(rs.getString(1), rs.getLong(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + outboxDb + ": " + e.getMessage(), e);
    }
    return synced;
  }

  /** Pending points in an outbox (as {@link #outboxKeys}, pass a snapshot after a crash). */
  static long pendingCount(Path outboxDb) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + outboxDb);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM pending")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + outboxDb + ": " + e.getMessage(), e);
    }
  }

  /** Ledger entries of one kind for one subject (pseudonym); readable while the agent runs. */
  static long ledgerEntries(Path consentDb, String subject, String kind) {
    try (Connection c = readOnly(consentDb);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM consent_ledger WHERE subject = ? AND kind = ?")) {
      ps.setString(1, subject);
      ps.setString(2, kind);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + consentDb + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code affectgate consent verify} (in this JVM) on a copy of the ledger and salt.
   *
   * @return the command's exit code and output
   */
  static AgentProcess.Result verifyLedgerCopy(Path dataDir, Path scratch) {
    try {
      snapshot(dataDir.resolve("consent.db"), scratch);
      Files.copy(
          dataDir.resolve("consent.salt"),
          scratch.resolve("consent.salt"),
          StandardCopyOption.REPLACE_EXISTING);
      Path config = scratch.resolve("verify.yaml");
      Files.writeString(
          config,
          "site: " + AgentYaml.SITE + "\ndataDir: " + scratch + "\n",
          StandardCharsets.UTF_8);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintWriter w = new PrintWriter(out, true, StandardCharsets.UTF_8);
      CommandLine cli = AffectgateCli.commandLine().setOut(w).setErr(w);
      int code = cli.execute("consent", "verify", "--config", config.toString());
      w.flush();
      return new AgentProcess.Result(code, out.toString(StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Connection readOnly(Path db) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(5000);
    return config.createConnection("jdbc:sqlite:" + db);
  }
}
