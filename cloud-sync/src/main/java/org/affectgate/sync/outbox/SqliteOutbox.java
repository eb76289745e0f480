package org.affectgate.sync.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.sync.Metric;
import org.affectgate.sync.sink.SeriesSelector;
import org.affectgate.sync.storage.OwnerOnly;
import org.affectgate.sync.storage.StorageFaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Outbox} in a SQLite database (WAL journal, {@code PRAGMA synchronous} per {@link
 * OutboxConfig#synchronous()}). One connection guarded by this object's monitor; every public
 * method is one transaction. Backlog figures are kept in memory, initialised on open and updated
 * after each commit, so {@link #stats()} and the gauges never touch the disk.
 *
 * <p>Besides the pending queue the database keeps {@code synced_keys} (keys of acknowledged points,
 * pruned by age on every ack) and {@code dead_letter}, itself bounded to {@link #MAX_DEAD_LETTERS}
 * rows (oldest removed first, counted as {@code affectgate.outbox.dropped{cause=deadletter}}).
 *
 * <p>Meters: counters {@code affectgate.outbox.enqueued}, {@code affectgate.outbox.duplicates},
 * {@code affectgate.outbox.dropped{cause=bytes|age|deadletter|erasure}}, {@code
 * affectgate.outbox.deadlettered}; gauges {@code affectgate.outbox.backlog}, {@code
 * affectgate.outbox.backlog.bytes}, {@code affectgate.outbox.oldest.age.ms}, {@code
 * affectgate.outbox.deadletters}. Gauges are removed on {@link #close()}.
 *
 * <p>It is also the {@link DeletionQueue}: tables {@code deletion} and {@code deletion_cursor} in
 * the same database (schema version 2), counter {@code affectgate.deletions.enqueued}, gauge {@code
 * affectgate.deletions.pending}.
 *
 * <p><b>Full disk and I/O errors.</b> After any failed statement the connection is closed, never
 * reused: SQLite may have rolled the transaction back by itself ({@code SQLITE_FULL}, {@code
 * SQLITE_IOERR}), and a connection in that state runs later statements in autocommit while every
 * {@code commit} fails ("cannot commit - no transaction is active"), i.e. it stores points it
 * reports as failed. The next call opens a new connection and reloads the backlog figures from the
 * database, so they stay exact. After a storage fault ({@link StorageFaults}) the reopen waits
 * until the filesystem has {@link OutboxConfig#minFreeBytes()} free (checked on each call, one
 * {@code statvfs}); until then calls fail at once with {@link OutboxStorageException} without
 * touching the disk. {@link #enqueue} is also refused while less than that is free, so the outbox
 * never takes the last space the consent ledger needs. An enqueue that failed stored nothing: if
 * its commit reached the disk although SQLite reported an error (an fsync failure), its rows are
 * deleted on reopen. An {@link #ack} that cannot be recorded is held in memory and recorded on
 * reopen, so points already delivered are not sent again (unless the process stops first). Counter
 * {@code affectgate.outbox.storage.faults}; gauge {@code affectgate.outbox.storage.fault} (1 while
 * the outbox waits for space).
 *
 * <p>Files: the database and its {@code -wal} and {@code -shm} files are mode 0600.
 */
public final class SqliteOutbox implements Outbox, DeletionQueue {
  /** Dead letters kept for inspection; older ones are dropped and counted. */
  public static final int MAX_DEAD_LETTERS = 10_000;

  /** Ids per {@code IN (...)} list; well below SQLite's bound-parameter limit. */
  private static final int ID_CHUNK = 500;

  private static final String INSERT_PENDING =
      "INSERT OR IGNORE INTO pending (point_key, line, bytes, enqueued_at_ms)"
          + " SELECT ?, ?, ?, ? WHERE NOT EXISTS"
          + " (SELECT 1 FROM synced_keys WHERE point_key = ? AND synced_at_ms >= ?)";

  private static final Logger LOG = LoggerFactory.getLogger(SqliteOutbox.class);

  private final OutboxConfig config;
  private final Path file;
  private final FileStore fileStore;
  private final InstantSource clock;
  private final MeterRegistry registry;

  /** Null after a failure until {@link #connection()} opens a new one. */
  private Connection conn;

  /** The last failure was a storage fault: reopen only with {@code minFreeBytes} free. */
  private volatile boolean storageFault;

  /** Ids delivered whose acknowledgement could not be recorded yet. */
  private final Set<Long> unrecordedAcks = new LinkedHashSet<>();

  /** Rows with a larger id were inserted by an enqueue that failed; -1 when none. */
  private long failedEnqueueAboveId = -1;

  private final RateLimitedLog dropLog;
  private final RateLimitedLog faultLog;
  private final Counter storageFaults;
  private final Counter enqueued;
  private final Counter duplicates;
  private final Counter droppedBytes;
  private final Counter droppedAge;
  private final Counter droppedDeadLetters;
  private final Counter droppedErasure;
  private final Counter deadLettered;
  private final Counter deletionsEnqueued;
  private final List<Meter> gauges = new ArrayList<>();

  private volatile long pendingCount;
  private volatile long pendingBytes;
  private volatile long oldestEnqueuedAtMs = Long.MAX_VALUE;
  private volatile long deadLetterCount;
  private volatile long deletionsPending;
  private volatile long oldestDeletionMs = Long.MAX_VALUE;
  private volatile long deletionsUnsupported;
  private volatile long deletionsFailed;
  private boolean closed;

  private SqliteOutbox(
      OutboxConfig config,
      Path file,
      FileStore fileStore,
      InstantSource clock,
      MeterRegistry registry,
      Connection conn) {
    this.config = config;
    this.file = file;
    this.fileStore = fileStore;
    this.clock = clock;
    this.registry = registry;
    this.conn = conn;
    this.dropLog = new RateLimitedLog(LOG, clock, Duration.ofMinutes(1));
    this.faultLog = new RateLimitedLog(LOG, clock, Duration.ofMinutes(1));
    this.storageFaults = registry.counter("affectgate.outbox.storage.faults");
    this.enqueued = registry.counter("affectgate.outbox.enqueued");
    this.duplicates = registry.counter("affectgate.outbox.duplicates");
    this.droppedBytes = registry.counter("affectgate.outbox.dropped", "cause", "bytes");
    this.droppedAge = registry.counter("affectgate.outbox.dropped", "cause", "age");
    this.droppedDeadLetters = registry.counter("affectgate.outbox.dropped", "cause", "deadletter");
    this.droppedErasure = registry.counter("affectgate.outbox.dropped", "cause", "erasure");
    this.deadLettered = registry.counter("affectgate.outbox.deadlettered");
    this.deletionsEnqueued = registry.counter("affectgate.deletions.enqueued");
  }

  /**
   * Opens (creating if absent) the outbox database. Blocking.
   *
   * @throws OutboxException naming the file when it cannot be created, is not a SQLite database, is
   *     corrupt or has an unknown schema version
   */
  public static SqliteOutbox open(
      OutboxConfig config, InstantSource clock, MeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(registry, "registry");
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
      SqliteOutbox outbox = new SqliteOutbox(config, file, fileStore, clock, registry, conn);
      outbox.loadTotals();
      outbox.registerGauges();
      OwnerOnly.restrictDatabase(file);
      return outbox;
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
   * The open connection, or a new one after a failure: after a storage fault only once the
   * filesystem has {@code outbox.minFreeBytes} free. A new connection first settles what the
   * failure left (rows of the failed enqueue, acknowledgements held in memory) and reloads the
   * backlog figures.
   *
   * @throws OutboxStorageException while the filesystem is still short of space
   */
  private Connection connection() throws SQLException {
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
      if (failedEnqueueAboveId >= 0) {
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM pending WHERE id > ?")) {
          ps.setLong(1, failedEnqueueAboveId);
          int n = ps.executeUpdate();
          if (n > 0) {
            LOG.warn(
                "outbox {}: removed {} points of an enqueue reported as failed whose commit had"
                    + " reached the disk (they were counted as dropped)",
                file,
                n);
          }
        }
      }
      int acks = unrecordedAcks.size();
      if (acks > 0) {
        recordAcks(List.copyOf(unrecordedAcks), clock.millis());
      }
      conn.commit();
      failedEnqueueAboveId = -1;
      unrecordedAcks.clear();
      loadTotals();
      if (storageFault) {
        LOG.info(
            "outbox {} reopened after a storage fault: {} points pending, {} held"
                + " acknowledgements recorded",
            file,
            pendingCount,
            acks);
      }
      storageFault = false;
      return conn;
    } catch (SQLException e) {
      reset(StorageFaults.isStorageFault(e));
      throw e;
    }
  }

  private long usableSpace() {
    try {
      return fileStore.getUsableSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public synchronized EnqueueResult enqueue(List<Metric> points) {
    Objects.requireNonNull(points, "points");
    ensureOpen();
    long now = clock.millis();
    int added = 0;
    long addedBytes = 0;
    long minAdded = Long.MAX_VALUE;
    if (config.minFreeBytes() > 0 && !points.isEmpty()) {
      long free = usableSpace();
      if (free < config.minFreeBytes()) {
        throw new OutboxStorageException(
            "outbox.file "
                + file
                + ": only "
                + free
                + " bytes free on its filesystem, below outbox.minFreeBytes="
                + config.minFreeBytes()
                + "; "
                + points.size()
                + " points not stored");
      }
    }
    long maxIdBefore = -1;
    try {
      connection();
      maxIdBefore = maxPendingId();
      if (!points.isEmpty()) {
        long syncedCutoff = now - config.syncedKeyRetention().toMillis();
        int[] counts;
        long[] sizes = new long[points.size()];
        try (PreparedStatement ps = conn.prepareStatement(INSERT_PENDING)) {
          for (int i = 0; i < points.size(); i++) {
            Metric m = points.get(i);
            String line = m.toLineProtocol();
            String key = PointKey.of(m);
            sizes[i] = line.getBytes(StandardCharsets.UTF_8).length;
            ps.setString(1, key);
            ps.setString(2, line);
            ps.setLong(3, sizes[i]);
            ps.setLong(4, now);
            ps.setString(5, key);
            ps.setLong(6, syncedCutoff);
            ps.addBatch();
          }
          counts = ps.executeBatch();
        }
        for (int i = 0; i < counts.length; i++) {
          if (counts[i] > 0) {
            added++;
            addedBytes += sizes[i];
            minAdded = now;
          }
        }
      }
      long ageCutoff = now - config.maxAge().toMillis();
      Removed age = oldestEnqueuedAtMs < ageCutoff ? removeOlderThan(ageCutoff) : Removed.NONE;
      long bytesAfter = pendingBytes + addedBytes - age.bytes;
      Removed overflow = removeOldestBeyond(bytesAfter - config.maxBytes());
      conn.commit();
      pendingCount += added - age.count - overflow.count;
      pendingBytes = bytesAfter - overflow.bytes;
      if (age.count > 0 || overflow.count > 0) {
        refreshOldest();
      } else {
        oldestEnqueuedAtMs = Math.min(oldestEnqueuedAtMs, minAdded);
      }
      int dup = points.size() - added;
      enqueued.increment(added);
      duplicates.increment(dup);
      countDrops(age, overflow);
      return new EnqueueResult(added, dup, (int) overflow.count, (int) age.count);
    } catch (SQLException e) {
      OutboxException f = failed("enqueue " + points.size() + " points", e);
      if (maxIdBefore >= 0 && failedEnqueueAboveId < 0) {
        failedEnqueueAboveId = maxIdBefore;
      }
      throw f;
    }
  }

  /** Rows inserted after this call have a larger id (ids only grow: AUTOINCREMENT). */
  private long maxPendingId() throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'pending'), 0),"
                    + " coalesce((SELECT max(id) FROM pending), 0))")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public synchronized List<OutboxEntry> peek(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("max must be > 0 (got " + max + ")");
    }
    ensureOpen();
    try {
      connection();
      long cutoff = clock.millis() - config.maxAge().toMillis();
      if (oldestEnqueuedAtMs < cutoff) {
        Removed age = removeOlderThan(cutoff);
        conn.commit();
        pendingCount -= age.count;
        pendingBytes -= age.bytes;
        refreshOldest();
        countDrops(age, Removed.NONE);
      }
      List<OutboxEntry> out = new ArrayList<>(Math.min(max, 1024));
      try (PreparedStatement ps =
          conn.prepareStatement(
              "SELECT id, line, enqueued_at_ms, attempts FROM pending ORDER BY id LIMIT ?")) {
        ps.setInt(1, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new OutboxEntry(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getInt(4)));
          }
        }
      }
      conn.commit();
      return out;
    } catch (SQLException e) {
      throw failed("peek", e);
    }
  }

  @Override
  public synchronized void ack(Collection<Long> ids) {
    Objects.requireNonNull(ids, "ids");
    ensureOpen();
    if (ids.isEmpty()) {
      return;
    }
    long now = clock.millis();
    Removed removed;
    try {
      connection();
      removed = recordAcks(List.copyOf(ids), now);
      conn.commit();
    } catch (SQLException e) {
      OutboxException f = failed("ack " + ids.size() + " ids", e);
      if (!(f instanceof OutboxStorageException)) {
        throw f;
      }
      holdAcks(ids, f);
      return;
    } catch (OutboxStorageException e) {
      holdAcks(ids, e);
      return;
    }
    pendingCount -= removed.count;
    pendingBytes -= removed.bytes;
    refreshOldestUnchecked();
  }

  /** The points were delivered: remember that in memory until the disk takes it. */
  private void holdAcks(Collection<Long> ids, OutboxException why) {
    unrecordedAcks.addAll(ids);
    faultLog.warn(
        "outbox {}: {} delivered points' acknowledgement held in memory until the disk has room"
            + " ({}); a restart before then sends them again",
        file,
        unrecordedAcks.size(),
        why.getMessage());
  }

  /** Removes delivered entries and remembers their keys; the caller commits. */
  private Removed recordAcks(List<Long> all, long now) throws SQLException {
    long removed = 0;
    long removedBytes = 0;
    for (int from = 0; from < all.size(); from += ID_CHUNK) {
      List<Long> chunk = all.subList(from, Math.min(all.size(), from + ID_CHUNK));
      String in = inList(chunk.size());
      try (PreparedStatement sum =
          conn.prepareStatement("SELECT count(*), coalesce(sum(bytes), 0) FROM pending" + in)) {
        bind(sum, 1, chunk);
        try (ResultSet rs = sum.executeQuery()) {
          rs.next();
          removed += rs.getLong(1);
          removedBytes += rs.getLong(2);
        }
      }
      try (PreparedStatement remember =
          conn.prepareStatement(
              "INSERT OR REPLACE INTO synced_keys (point_key, synced_at_ms)"
                  + " SELECT point_key, ? FROM pending"
                  + in)) {
        remember.setLong(1, now);
        bind(remember, 2, chunk);
        remember.executeUpdate();
      }
      try (PreparedStatement delete = conn.prepareStatement("DELETE FROM pending" + in)) {
        bind(delete, 1, chunk);
        delete.executeUpdate();
      }
    }
    try (PreparedStatement prune =
        conn.prepareStatement("DELETE FROM synced_keys WHERE synced_at_ms < ?")) {
      prune.setLong(1, now - config.syncedKeyRetention().toMillis());
      prune.executeUpdate();
    }
    return new Removed(removed, removedBytes);
  }

  private static String inList(int n) {
    StringBuilder sb = new StringBuilder(" WHERE id IN (");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "?" : ",?");
    }
    return sb.append(')').toString();
  }

  private static void bind(PreparedStatement ps, int firstIndex, List<Long> ids)
      throws SQLException {
    for (int i = 0; i < ids.size(); i++) {
      ps.setLong(firstIndex + i, ids.get(i));
    }
  }

  @Override
  public synchronized int discard(Collection<Long> ids) {
    Objects.requireNonNull(ids, "ids");
    ensureOpen();
    if (ids.isEmpty()) {
      return 0;
    }
    long removed = 0;
    long removedBytes = 0;
    try {
      connection();
      List<Long> all = List.copyOf(ids);
      for (int from = 0; from < all.size(); from += ID_CHUNK) {
        List<Long> chunk = all.subList(from, Math.min(all.size(), from + ID_CHUNK));
        String in = inList(chunk.size());
        try (PreparedStatement sum =
            conn.prepareStatement("SELECT count(*), coalesce(sum(bytes), 0) FROM pending" + in)) {
          bind(sum, 1, chunk);
          try (ResultSet rs = sum.executeQuery()) {
            rs.next();
            removed += rs.getLong(1);
            removedBytes += rs.getLong(2);
          }
        }
        try (PreparedStatement delete = conn.prepareStatement("DELETE FROM pending" + in)) {
          bind(delete, 1, chunk);
          delete.executeUpdate();
        }
      }
      conn.commit();
    } catch (SQLException e) {
      throw failed("discard " + ids.size() + " ids", e);
    }
    pendingCount -= removed;
    pendingBytes -= removedBytes;
    droppedErasure.increment(removed);
    refreshOldestUnchecked();
    return (int) removed;
  }

  @Override
  public synchronized int discardDeadLetters(Collection<Long> ids) {
    Objects.requireNonNull(ids, "ids");
    ensureOpen();
    if (ids.isEmpty()) {
      return 0;
    }
    int removed = 0;
    try {
      connection();
      List<Long> all = List.copyOf(ids);
      for (int from = 0; from < all.size(); from += ID_CHUNK) {
        List<Long> chunk = all.subList(from, Math.min(all.size(), from + ID_CHUNK));
        try (PreparedStatement delete =
            conn.prepareStatement("DELETE FROM dead_letter" + inList(chunk.size()))) {
          bind(delete, 1, chunk);
          removed += delete.executeUpdate();
        }
      }
      conn.commit();
    } catch (SQLException e) {
      throw failed("discard " + ids.size() + " dead letters", e);
    }
    deadLetterCount -= removed;
    droppedErasure.increment(removed);
    return removed;
  }

  @Override
  public synchronized void recordFailedAttempt(Collection<Long> ids) {
    Objects.requireNonNull(ids, "ids");
    ensureOpen();
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        connection().prepareStatement("UPDATE pending SET attempts = attempts + 1 WHERE id = ?")) {
      for (long id : ids) {
        ps.setLong(1, id);
        ps.addBatch();
      }
      ps.executeBatch();
      conn.commit();
    } catch (SQLException e) {
      throw failed("record attempts", e);
    }
  }

  @Override
  public synchronized void deadLetter(OutboxEntry entry, String error) {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(error, "error");
    ensureOpen();
    long now = clock.millis();
    long bytes;
    long overflow;
    try {
      connection();
      try (PreparedStatement ps =
          conn.prepareStatement("SELECT bytes, attempts FROM pending WHERE id = ?")) {
        ps.setLong(1, entry.id());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            conn.commit();
            return;
          }
          bytes = rs.getLong(1);
        }
      }
      try (PreparedStatement ps =
          conn.prepareStatement(
              "INSERT OR REPLACE INTO dead_letter"
                  + " (id, line, error, enqueued_at_ms, dead_at_ms, attempts)"
                  + " SELECT id, line, ?, enqueued_at_ms, ?, attempts FROM pending WHERE id = ?")) {
        ps.setString(1, error);
        ps.setLong(2, now);
        ps.setLong(3, entry.id());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = conn.prepareStatement("DELETE FROM pending WHERE id = ?")) {
        ps.setLong(1, entry.id());
        ps.executeUpdate();
      }
      overflow = 0;
      if (deadLetterCount + 1 > MAX_DEAD_LETTERS) {
        try (PreparedStatement ps =
            conn.prepareStatement(
                "DELETE FROM dead_letter WHERE id NOT IN"
                    + " (SELECT id FROM dead_letter ORDER BY dead_at_ms DESC, id DESC LIMIT ?)")) {
          ps.setInt(1, MAX_DEAD_LETTERS);
          overflow = ps.executeUpdate();
        }
      }
      conn.commit();
    } catch (SQLException e) {
      throw failed("dead-letter id " + entry.id(), e);
    }
    pendingCount -= 1;
    pendingBytes -= bytes;
    deadLetterCount += 1 - overflow;
    deadLettered.increment();
    droppedDeadLetters.increment(overflow);
    refreshOldestUnchecked();
  }

  @Override
  public synchronized List<DeadLetter> deadLetters(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("max must be > 0 (got " + max + ")");
    }
    ensureOpen();
    List<DeadLetter> out = new ArrayList<>();
    try (PreparedStatement ps =
        connection()
            .prepareStatement(
                "SELECT id, line, error, enqueued_at_ms, dead_at_ms, attempts FROM dead_letter"
                    + " ORDER BY dead_at_ms DESC, id DESC LIMIT ?")) {
      ps.setInt(1, max);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new DeadLetter(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getLong(4),
                  rs.getLong(5),
                  rs.getInt(6)));
        }
      }
      conn.commit();
      return out;
    } catch (SQLException e) {
      throw failed("read dead letters", e);
    }
  }

  @Override
  public OutboxStats stats() {
    long oldest = oldestEnqueuedAtMs;
    long age = oldest == Long.MAX_VALUE ? 0 : Math.max(0, clock.millis() - oldest);
    return new OutboxStats(pendingCount, pendingBytes, age, deadLetterCount);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    gauges.forEach(registry::remove);
    if (!unrecordedAcks.isEmpty()) {
      LOG.warn(
          "outbox {} closed with {} delivered points' acknowledgement unrecorded (disk full);"
              + " they will be sent again",
          file,
          unrecordedAcks.size());
    }
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

  private record Removed(long count, long bytes) {
    static final Removed NONE = new Removed(0, 0);
  }

  private Removed removeOlderThan(long cutoffMs) throws SQLException {
    long count;
    long bytes;
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT count(*), coalesce(sum(bytes), 0) FROM pending WHERE enqueued_at_ms < ?")) {
      ps.setLong(1, cutoffMs);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        count = rs.getLong(1);
        bytes = rs.getLong(2);
      }
    }
    if (count == 0) {
      return Removed.NONE;
    }
    try (PreparedStatement ps =
        conn.prepareStatement("DELETE FROM pending WHERE enqueued_at_ms < ?")) {
      ps.setLong(1, cutoffMs);
      ps.executeUpdate();
    }
    return new Removed(count, bytes);
  }

  /** Deletes the oldest pending rows (by id) until at least {@code excessBytes} are freed. */
  private Removed removeOldestBeyond(long excessBytes) throws SQLException {
    long count = 0;
    long freed = 0;
    while (freed < excessBytes) {
      long lastId = -1;
      try (PreparedStatement ps =
          conn.prepareStatement("SELECT id, bytes FROM pending ORDER BY id LIMIT 512")) {
        try (ResultSet rs = ps.executeQuery()) {
          while (freed < excessBytes && rs.next()) {
            lastId = rs.getLong(1);
            freed += rs.getLong(2);
            count++;
          }
        }
      }
      if (lastId < 0) {
        break;
      }
      try (PreparedStatement ps = conn.prepareStatement("DELETE FROM pending WHERE id <= ?")) {
        ps.setLong(1, lastId);
        ps.executeUpdate();
      }
    }
    return new Removed(count, freed);
  }

  private void countDrops(Removed age, Removed overflow) {
    droppedAge.increment(age.count);
    droppedBytes.increment(overflow.count);
    if (age.count > 0 || overflow.count > 0) {
      dropLog.warn(
          "outbox {} dropped {} points older than outbox.maxAgeHours={} and {} oldest points"
              + " over outbox.maxBytes={}",
          config.file(),
          age.count,
          config.maxAge().toHours(),
          overflow.count,
          config.maxBytes());
    }
  }

  private void loadTotals() throws SQLException {
    try (Statement st = conn.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT count(*), coalesce(sum(bytes), 0), min(enqueued_at_ms) FROM pending")) {
        rs.next();
        pendingCount = rs.getLong(1);
        pendingBytes = rs.getLong(2);
        long oldest = rs.getLong(3);
        oldestEnqueuedAtMs = rs.wasNull() ? Long.MAX_VALUE : oldest;
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM dead_letter")) {
        rs.next();
        deadLetterCount = rs.getLong(1);
      }
    }
    loadDeletionTotals();
    conn.commit();
  }

  private void loadDeletionTotals() throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'unsupported'),"
                    + " 0), coalesce(sum(state = 'failed'), 0),"
                    + " min(CASE WHEN state = 'pending' THEN requested_at_ms END) FROM deletion")) {
      rs.next();
      deletionsPending = rs.getLong(1);
      deletionsUnsupported = rs.getLong(2);
      deletionsFailed = rs.getLong(3);
      long oldest = rs.getLong(4);
      oldestDeletionMs = rs.wasNull() ? Long.MAX_VALUE : oldest;
    }
  }

  @Override
  public synchronized int requestDeletions(List<SeriesSelector> selectors, long cursor) {
    Objects.requireNonNull(selectors, "selectors");
    ensureOpen();
    long now = clock.millis();
    int added = 0;
    try {
      connection();
      for (SeriesSelector s : selectors) {
        try (PreparedStatement ps =
            conn.prepareStatement(
                "INSERT INTO deletion (measurement, tag_key, tag_value, requested_at_ms)"
                    + " SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM deletion WHERE"
                    + " state = 'pending' AND measurement = ? AND tag_key = ? AND tag_value = ?)")) {
          ps.setString(1, s.measurement());
          ps.setString(2, s.tagKey());
          ps.setString(3, s.tagValue());
          ps.setLong(4, now);
          ps.setString(5, s.measurement());
          ps.setString(6, s.tagKey());
          ps.setString(7, s.tagValue());
          added += ps.executeUpdate();
        }
      }
      try (PreparedStatement ps =
          conn.prepareStatement(
              "INSERT INTO deletion_cursor (id, position) VALUES (1, ?)"
                  + " ON CONFLICT (id) DO UPDATE SET position = max(position, excluded.position)")) {
        ps.setLong(1, cursor);
        ps.executeUpdate();
      }
      conn.commit();
    } catch (SQLException e) {
      throw failed("request " + selectors.size() + " deletions", e);
    }
    if (added > 0) {
      deletionsPending += added;
      oldestDeletionMs = Math.min(oldestDeletionMs, now);
      deletionsEnqueued.increment(added);
    }
    return added;
  }

  @Override
  public synchronized long deletionCursor() {
    ensureOpen();
    try (Statement st = connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT position FROM deletion_cursor WHERE id = 1")) {
      long position = rs.next() ? rs.getLong(1) : 0;
      conn.commit();
      return position;
    } catch (SQLException e) {
      throw failed("read the deletion cursor", e);
    }
  }

  @Override
  public synchronized List<PendingDeletion> pendingDeletions(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("max must be > 0 (got " + max + ")");
    }
    ensureOpen();
    if (deletionsPending == 0) {
      return List.of();
    }
    List<PendingDeletion> out = new ArrayList<>();
    try (PreparedStatement ps =
        connection()
            .prepareStatement(
                "SELECT id, measurement, tag_key, tag_value, requested_at_ms, attempts FROM deletion"
                    + " WHERE state = 'pending' ORDER BY id LIMIT ?")) {
      ps.setInt(1, max);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new PendingDeletion(
                  rs.getLong(1),
                  new SeriesSelector(rs.getString(2), rs.getString(3), rs.getString(4)),
                  rs.getLong(5),
                  rs.getInt(6)));
        }
      }
      conn.commit();
      return out;
    } catch (SQLException e) {
      throw failed("read pending deletions", e);
    }
  }

  @Override
  public synchronized void settleDeletion(long id, DeletionResult result, String detail) {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(detail, "detail");
    ensureOpen();
    int changed;
    try {
      connection();
      String sql =
          result == DeletionResult.DELETED
              ? "DELETE FROM deletion WHERE id = ? AND state = 'pending'"
              : "UPDATE deletion SET state = ?, detail = ?, settled_at_ms = ?"
                  + " WHERE id = ? AND state = 'pending'";
      try (PreparedStatement ps = conn.prepareStatement(sql)) {
        if (result == DeletionResult.DELETED) {
          ps.setLong(1, id);
        } else {
          ps.setString(1, result == DeletionResult.UNSUPPORTED ? "unsupported" : "failed");
          ps.setString(2, detail);
          ps.setLong(3, clock.millis());
          ps.setLong(4, id);
        }
        changed = ps.executeUpdate();
      }
      conn.commit();
      if (changed > 0) {
        loadDeletionTotals();
        conn.commit();
      }
    } catch (SQLException e) {
      throw failed("settle deletion " + id, e);
    }
  }

  @Override
  public synchronized void recordFailedDeletionAttempt(long id, String error) {
    Objects.requireNonNull(error, "error");
    ensureOpen();
    try (PreparedStatement ps =
        connection()
            .prepareStatement(
                "UPDATE deletion SET attempts = attempts + 1, detail = ?"
                    + " WHERE id = ? AND state = 'pending'")) {
      ps.setString(1, error);
      ps.setLong(2, id);
      ps.executeUpdate();
      conn.commit();
    } catch (SQLException e) {
      throw failed("record a deletion attempt", e);
    }
  }

  @Override
  public DeletionStats deletionStats() {
    long oldest = oldestDeletionMs;
    long age = oldest == Long.MAX_VALUE ? 0 : Math.max(0, clock.millis() - oldest);
    return new DeletionStats(deletionsPending, age, deletionsUnsupported, deletionsFailed);
  }

  private void refreshOldest() throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT min(enqueued_at_ms) FROM pending")) {
      long min = rs.next() ? rs.getLong(1) : 0;
      oldestEnqueuedAtMs = rs.wasNull() ? Long.MAX_VALUE : min;
    }
    conn.commit();
  }

  private void refreshOldestUnchecked() {
    try {
      refreshOldest();
    } catch (SQLException e) {
      throw failed("read oldest entry", e);
    }
  }

  private void registerGauges() {
    gauges.add(
        Gauge.builder("affectgate.outbox.backlog", this, o -> o.pendingCount)
            .description("points waiting in the outbox")
            .register(registry));
    gauges.add(
        Gauge.builder("affectgate.outbox.backlog.bytes", this, o -> o.pendingBytes)
            .baseUnit("bytes")
            .register(registry));
    gauges.add(
        Gauge.builder("affectgate.outbox.oldest.age.ms", this, o -> o.stats().oldestAgeMs())
            .baseUnit("milliseconds")
            .register(registry));
    gauges.add(
        Gauge.builder("affectgate.outbox.deadletters", this, o -> o.deadLetterCount)
            .register(registry));
    gauges.add(
        Gauge.builder("affectgate.outbox.storage.fault", this, o -> o.storageFault ? 1 : 0)
            .description("1 while the outbox waits for disk space after a full disk or I/O error")
            .register(registry));
    gauges.add(
        Gauge.builder("affectgate.deletions.pending", this, o -> o.deletionsPending)
            .description("cloud deletions requested and not yet carried out")
            .register(registry));
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("outbox " + file + " is closed");
    }
  }

  /**
   * Closes the connection after a failed statement (closing rolls back whatever SQLite still holds;
   * see the class comment for why it is never reused) and describes the failure.
   */
  private OutboxException failed(String what, SQLException e) {
    boolean storage = StorageFaults.isStorageFault(e);
    reset(storage);
    String message = "outbox.file " + file + ": " + what + " failed: " + e.getMessage();
    if (!storage) {
      return new OutboxException(message, e);
    }
    storageFaults.increment();
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
