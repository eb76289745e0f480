package org.affectgate.agent.consent;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.affectgate.sync.storage.StorageFaults;
import org.sqlite.SQLiteConfig;

/**
 * The consent ledger's one SQLite connection: WAL journal, {@code synchronous=FULL} (a recorded
 * withdrawal survives power loss), 5 s busy timeout, IMMEDIATE transactions (several processes can
 * share the file and sequence numbers stay gap-free) and {@code secure_delete} on.
 *
 * <p><b>Reopen after failure.</b> After any failed statement the connection is closed, never
 * reused, and the next call opens a new one: SQLite may have rolled the transaction back by itself
 * ({@code SQLITE_FULL}, {@code SQLITE_IOERR}), and the driver would then run later statements in
 * autocommit and fail every commit ("cannot commit - no transaction is active").
 *
 * <p><b>Threads.</b> Not thread-safe: {@link ConsentStore} calls it under its own lock. Every
 * method blocks on disk I/O.
 */
final class LedgerDatabase {
  /** A unit of SQL run on the connection, inside a transaction or not. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final Path file;

  /** Null after a failed statement until {@link #connection()} opens a new one. */
  private Connection conn;

  private boolean closed;

  private LedgerDatabase(Path file, Connection conn) {
    this.file = file;
    this.conn = conn;
  }

  /**
   * Opens a connection to {@code file} (created if absent).
   *
   * @throws SQLException when SQLite cannot open it
   */
  static LedgerDatabase open(Path file) throws SQLException {
    return new LedgerDatabase(file, connect(file));
  }

  private static Connection connect(Path file) throws SQLException {
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    sqlite.setBusyTimeout(5000);
    sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    Connection c = sqlite.createConnection("jdbc:sqlite:" + file);
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA secure_delete = ON");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  Path file() {
    return file;
  }

  /**
   * The open connection, or a new one after a failure.
   *
   * @throws SQLException when closed, or when a new connection cannot be opened
   */
  Connection connection() throws SQLException {
    if (closed) {
      throw new SQLException("consent database " + file + " is closed");
    }
    if (conn == null) {
      conn = connect(file);
    }
    return conn;
  }

  /** Closes the connection after a failure (rolling back whatever SQLite still holds). */
  void reset() {
    Connection c = conn;
    conn = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the failure that led here is what gets reported
      }
    }
  }

  /**
   * Runs {@code work} without a transaction (autocommit reads).
   *
   * @throws ConsentStoreException when it fails; the connection is reset
   */
  <T> T read(Work<T> work) {
    try {
      return work.run(connection());
    } catch (SQLException e) {
      reset();
      throw failed(e);
    }
  }

  /**
   * Runs {@code work} in one IMMEDIATE transaction. After any failure the connection is reset
   * (never reused) and the failure rethrown as it is, so that the caller can tell a full disk.
   */
  <T> T transaction(Work<T> work) throws SQLException {
    Connection c = connection();
    boolean done = false;
    try {
      c.setAutoCommit(false);
      T result = work.run(c);
      c.commit();
      c.setAutoCommit(true);
      done = true;
      return result;
    } finally {
      if (!done) {
        reset();
      }
    }
  }

  /** The exception reported for {@code e}, naming the file and whether the disk is the cause. */
  ConsentStoreException failed(SQLException e) {
    boolean storage = StorageFaults.isStorageFault(e);
    return new ConsentStoreException(
        "consent database "
            + file
            + " failed"
            + (storage ? " (disk full or I/O error): " : ": ")
            + e.getMessage(),
        e);
  }

  /**
   * Closes the connection; later calls fail.
   *
   * @throws ConsentStoreException when closing fails
   */
  void close() {
    closed = true;
    Connection c = conn;
    conn = null;
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      throw new ConsentStoreException("cannot close consent database " + file, e);
    }
  }
}
