package org.affectgate.sync.outbox;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.sync.storage.OwnerOnly;
import org.affectgate.sync.storage.StorageFaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox database's one SQLite connection, shared by the {@link PointQueue points} and the
 * {@link DeletionRequests deletion requests}: WAL journal, {@code PRAGMA synchronous} per {@link
 * OutboxConfig#synchronous()}, 5 s busy timeout, manual commit; the database and its {@code -wal}
 * and {@code -shm} files mode 0600.
 *
 * <p><b>Reopen after failure.</b> After any failed statement ({@link #failed}) the connection is
 * closed, never reused: SQLite may have rolled the transaction back by itself ({@code SQLITE_FULL},
 * {@code SQLITE_IOERR}), and a connection in that state runs later statements in autocommit while
 * every {@code commit} fails, i.e. it stores what it reports as failed. The next {@link
 * #connection()} opens a new one and first runs the {@link Reconnected} hook, which settles what
 * the failure left and reloads the totals. After a storage fault ({@link StorageFaults}) the reopen
 * waits until the filesystem has {@link OutboxConfig#minFreeBytes()} free (one {@code statvfs} per
 * call); until then {@link #connection()} fails at once with {@link OutboxStorageException} without
 * touching the disk.
 *
 * <p><b>Threads.</b> Not thread-safe: {@link SqliteOutbox} calls it under its own lock, except
 * {@link #storageFault()}, which any thread may read. Blocking disk I/O.
 */
final class OutboxDatabase {
  /** Logged under the outbox's name, as operators know it. */
  private static final Logger LOG = LoggerFactory.getLogger(SqliteOutbox.class);

  /** Runs on every new connection after a failure, before any other statement. */
  @FunctionalInterface
  interface Reconnected {
    /**
     * @param c the new connection, in manual-commit mode; the hook commits what it changes
     * @param afterStorageFault whether the failure was a storage fault
     */
    void settle(Connection c, boolean afterStorageFault) throws SQLException;
  }

  /** What {@link #open} runs on the new database. */
  @FunctionalInterface
  interface Setup<T> {
    T run(OutboxDatabase db) throws SQLException;
  }

  private final OutboxConfig config;
  private final Path file;
  private final FileStore fileStore;
  private final RateLimitedLog faultLog;

  /** Null after a failure until {@link #connection()} opens a new one. */
  private Connection conn;

  /** The last failure was a storage fault: reopen only with {@code minFreeBytes} free. */
  private volatile boolean storageFault;

  private OutboxMeters meters;
  private Reconnected reconnected;

  private OutboxDatabase(
      OutboxConfig config, Path file, FileStore fileStore, InstantSource clock, Connection conn) {
    this.config = config;
    this.file = file;
    this.fileStore = fileStore;
    this.faultLog = new RateLimitedLog(LOG, clock, Duration.ofMinutes(1));
    this.conn = conn;
  }

  /**
   * Opens (creating if absent) the database named by {@code config}, checks it ({@code
   * quick_check}) and brings its schema up to date ({@link OutboxSchema}); then runs {@code setup}
   * on it and makes its files private again (SQLite creates {@code -wal} and {@code -shm} as it
   * goes). Blocking.
   *
   * @return what {@code setup} returned
   * @throws OutboxException naming the file when it cannot be created, is not a SQLite database, is
   *     corrupt, has an unknown schema version, or {@code setup} fails; the connection is closed
   */
  static <T> T open(OutboxConfig config, InstantSource clock, Setup<T> setup) {
    Path file = config.file().toAbsolutePath();
    FileStore fileStore;
    try {
      Path parent = file.getParent();
      Files.createDirectories(parent);
      fileStore = Files.getFileStore(parent);
    } catch (IOException e) {
      throw new OutboxException("outbox.file " + file + ": cannot create its directory", e);
    }
    try {
      OwnerOnly.restrictDatabase(file);
    } catch (IOException e) {
      throw new OutboxException(
          "outbox.file " + file + ": cannot create it or make it private (mode 0600): " + e, e);
    }
    Connection conn = null;
    try {
      conn = connect(file, config);
      try (Statement st = conn.createStatement()) {
        try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
          String result = rs.next() ? rs.getString(1) : "no result";
          if (!"ok".equals(result)) {
            throw new OutboxException("outbox.file " + file + " is corrupt: " + result);
          }
        }
      }
      OutboxSchema.ensure(conn, file);
      T opened = setup.run(new OutboxDatabase(config, file, fileStore, clock, conn));
      OwnerOnly.restrictDatabase(file);
      return opened;
    } catch (SQLException e) {
      closeQuietly(conn);
      throw new OutboxException(
          "outbox.file " + file + " cannot be opened as a SQLite database: " + e.getMessage(), e);
    } catch (IOException e) {
      closeQuietly(conn);
      throw new OutboxException(
          "outbox.file " + file + ": cannot make its files private (mode 0600): " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(conn);
      throw e;
    }
  }

  /** A new connection with this outbox's settings, in manual-commit mode. */
  private static Connection connect(Path file, OutboxConfig config) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 5000");
      try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
        rs.next();
      }
      st.execute("PRAGMA synchronous = " + config.synchronous().name());
      c.setAutoCommit(false);
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /**
   * Wires the meters (storage faults are counted there) and the hook run on every reopen. Called
   * once, by {@link SqliteOutbox}'s constructor, before any other method.
   */
  void attach(OutboxMeters meters, Reconnected reconnected) {
    this.meters = meters;
    this.reconnected = reconnected;
  }

  Path file() {
    return file;
  }

  /**
   * The open connection, or a new one after a failure: after a storage fault only once the
   * filesystem has {@code outbox.minFreeBytes} free. A new connection first runs the {@link
   * Reconnected} hook.
   *
   * @throws OutboxStorageException while the filesystem is still short of space
   * @throws SQLException when a new connection cannot be opened or settled (it is closed again)
   */
  Connection connection() throws SQLException {
    if (conn != null) {
      return conn;
    }
    if (storageFault) {
      long free = usableSpace();
      if (free <= 0 || free < config.minFreeBytes()) {
        throw new OutboxStorageException(
            "outbox.file "
                + file
                + ": waiting for space after a full disk or I/O error ("
                + free
                + " bytes free, outbox.minFreeBytes="
                + config.minFreeBytes()
                + "); nothing stored");
      }
    }
    conn = connect(file, config);
    try {
      reconnected.settle(conn, storageFault);
      storageFault = false;
      return conn;
    } catch (SQLException e) {
      reset(StorageFaults.isStorageFault(e));
      throw e;
    }
  }

  /** Usable bytes on the database's filesystem; 0 when that cannot be read. */
  long usableSpace() {
    try {
      return fileStore.getUsableSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  /** Whether the outbox waits for space after a storage fault. Lock-free; any thread. */
  boolean storageFault() {
    return storageFault;
  }

  /** Rate-limited (one a minute) warnings about storage faults. */
  RateLimitedLog faultLog() {
    return faultLog;
  }

  /**
   * Closes the connection after a failed statement (closing rolls back whatever SQLite still holds)
   * and describes the failure; a storage fault is counted and logged (rate-limited).
   *
   * @param what the call that failed, e.g. {@code "enqueue 20 points"}
   * @return an {@link OutboxStorageException} for a storage fault, else an {@link OutboxException}
   */
  OutboxException failed(String what, SQLException e) {
    boolean storage = StorageFaults.isStorageFault(e);
    reset(storage);
    String message = "outbox.file " + file + ": " + what + " failed: " + e.getMessage();
    if (!storage) {
      return new OutboxException(message, e);
    }
    meters.storageFaulted();
    faultLog.warn(
        "outbox {}: {}; storing nothing until the disk has room again (outbox.minFreeBytes={})",
        file,
        e.getMessage(),
        config.minFreeBytes());
    return new OutboxStorageException(message + " (disk full or I/O error; nothing stored)", e);
  }

  /** Drops the connection; the next call opens a new one (after a storage fault, with space). */
  private void reset(boolean storage) {
    if (storage) {
      storageFault = true;
    }
    Connection c = conn;
    conn = null;
    closeQuietly(c);
  }

  /**
   * Closes the connection, if one is open.
   *
   * @throws OutboxException when closing fails
   */
  void close() {
    if (conn == null) {
      return;
    }
    try {
      conn.close();
    } catch (SQLException e) {
      throw new OutboxException("outbox.file " + file + ": close failed: " + e.getMessage(), e);
    } finally {
      conn = null;
    }
  }

  private static void closeQuietly(Connection conn) {
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException ignored) {
        // the open failure is what gets reported
      }
    }
  }
}
