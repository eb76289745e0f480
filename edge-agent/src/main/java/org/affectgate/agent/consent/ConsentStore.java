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
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.affectgate.sync.storage.OwnerOnly;
import org.affectgate.sync.storage.SpaceReserve;
import org.affectgate.sync.storage.StorageFaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The consent ledger in SQLite: an append-only, hash-chained list of {@link LedgerEntry entries}
 * ({@code consent_ledger}, guarded by triggers against UPDATE and DELETE) and the current state per
 * (subject, purpose) derived from it ({@code consent_current}). Subjects are pseudonyms ({@link
 * SubjectPseudonyms}): participant ids are hashed with the site salt before anything is stored.
 * {@link #verify()} recomputes the chain and replays it against the current state.
 *
 * <p>For {@value Purposes#WELLNESS_HR} a subject has at most one device and a device has at most
 * one subject with a consent that is neither withdrawn nor expired; a grant for a device whose
 * holder's consent expired first records the holder's withdrawal.
 *
 * <p>{@code secure_delete} is on, so rows removed by {@link #erase} are overwritten, not merely
 * unlinked. The database runs in WAL mode with {@code synchronous=FULL} (a recorded withdrawal
 * survives power loss) and a 5 s busy timeout; write transactions begin IMMEDIATE, so several
 * processes (the agent and a CLI {@code consent grant}) can share the file and sequence numbers
 * stay gap-free. The newest entry's sequence number is a change counter.
 *
 * <p><b>Full disk.</b> After any failed statement the connection is closed and a new one opened by
 * the next call: SQLite may have rolled the transaction back by itself ({@code SQLITE_FULL}, {@code
 * SQLITE_IOERR}), and the driver would then run later statements in autocommit and fail every
 * commit ("cannot commit - no transaction is active"). A withdrawal ({@link #withdrawAll}, {@link
 * #withdrawOne}, {@link #eraseAll} and the boolean forms) that finds the disk full deletes the
 * space reserve ({@link ConsentConfig#reserveBytes()}, a pre-allocated file beside the ledger) and
 * tries again, which records it. If even that fails it is held in memory: {@link #lastEventId()}
 * and {@link #snapshotAfter} report the subject as withdrawn at once (the gate then admits nothing
 * more for them and purges their state), and {@link #maintain()} (and any later write, which writes
 * held withdrawals first) records it, with its original time, as soon as the disk has room; a held
 * withdrawal never ends a consent granted after it. It is lost if the process stops first ({@link
 * WithdrawalOutcome#PENDING_DISK_FULL} says so). Other writes on a full disk fail with a {@link
 * ConsentStoreException} whose {@link ConsentStoreException#diskFull()} is true and do not touch
 * the reserve. {@link #maintain()} writes the reserve again once the filesystem has twice its size
 * free.
 *
 * <p>Files: the database, its {@code -wal} and {@code -shm} files and the reserve are mode 0600.
 *
 * <p>Threading: every method blocks on disk I/O and is serialised on this instance. Call from
 * worker threads ({@code executeBlocking}) or a CLI main thread, never from an event loop (this is
 * checked and throws {@link IllegalStateException}). Database failures throw {@link
 * ConsentStoreException}; invalid ids throw {@link IllegalArgumentException} (validate first with
 * {@link ConsentIds}).
 */
public final class ConsentStore implements AutoCloseable {
  /** The purpose of device grants: heart-rate wellness aggregation. */
  public static final String PURPOSE = Purposes.WELLNESS_HR;

  static final int SCHEMA_VERSION = 2;

  private static final String[] SCHEMA = {
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
    "PRAGMA user_version = " + SCHEMA_VERSION
  };

  private static final Logger LOG = LoggerFactory.getLogger(ConsentStore.class);

  private final Path file;
  private final Path saltFile;
  private final SpaceReserve reserve;
  private final SubjectPseudonyms pseudonyms;

  /** Null after a failed statement until {@link #connection()} opens a new one. */
  private Connection conn;

  private int migrated = -1;
  private boolean closed;

  /** Withdrawals in force in memory, not yet in the ledger (disk full), oldest first. */
  private final List<HeldWithdrawal> held = new ArrayList<>();

  /** {@code held.size()}, readable without the lock. */
  private volatile int heldCount;

  /** A withdrawal was held since {@link #snapshotAfter} last reported them. */
  private boolean heldUnreported;

  /** The last snapshot read from the database, for when the disk cannot be read. */
  private ConsentSnapshot lastRead;

  /**
   * A withdrawal not yet written.
   *
   * @param purpose the purpose withdrawn, or null for every purpose
   * @param erase whether it is an erasure (every purpose, and the current state deleted)
   */
  private record HeldWithdrawal(String subject, String purpose, boolean erase, Instant at) {
    boolean endsBinding() {
      return erase || purpose == null || purpose.equals(PURPOSE);
    }

    boolean endsSync() {
      return endsBinding() || purpose.equals(Purposes.WELLNESS_HR_SYNC);
    }
  }

  private ConsentStore(
      Path file,
      Path saltFile,
      SpaceReserve reserve,
      Connection conn,
      SubjectPseudonyms pseudonyms) {
    this.file = file;
    this.saltFile = saltFile;
    this.reserve = reserve;
    this.conn = conn;
    this.pseudonyms = pseudonyms;
  }

  /**
   * Opens (creating if needed) the ledger and the salt named by the config.
   *
   * @throws ConsentStoreException when either cannot be opened, or the file holds the pre-ledger
   *     schema of version 0.1 (see the message)
   */
  public static ConsentStore open(ConsentConfig config) {
    Path file = config.file().toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
      SubjectPseudonyms pseudonyms = SubjectPseudonyms.open(config.saltFile());
      OwnerOnly.restrictDatabase(file);
      Connection conn = connect(file);
      SpaceReserve reserve = new SpaceReserve(config.reserveFile(), config.reserveBytes());
      ConsentStore store = new ConsentStore(file, config.saltFile(), reserve, conn, pseudonyms);
      try {
        if (!store.schemaCurrent()) {
          store.inTransaction(
              () -> {
                try (Statement st = conn.createStatement()) {
                  boolean legacy = hasTable(st, "consent_event");
                  if (legacy) {
                    st.execute("DROP INDEX IF EXISTS consent_current_active_device");
                    st.execute("ALTER TABLE consent_current RENAME TO consent_current_v1");
                  }
                  for (String ddl : SCHEMA) {
                    st.execute(ddl);
                  }
                  if (legacy) {
                    store.migrateLegacy(st);
                  }
                }
                return null;
              });
        }
        if (store.migrated >= 0) {
          try (Statement st = conn.createStatement()) {
            st.execute("VACUUM");
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
          }
        }
      } catch (SQLException | RuntimeException e) {
        store.reset();
        throw e;
      }
      OwnerOnly.restrictDatabase(file);
      OwnerOnly.restrict(reserve.file());
      if (!reserve.ensure()) {
        LOG.warn(
            "consent ledger {}: no room for its {} byte space reserve {}; written once the disk"
                + " has room",
            file,
            reserve.bytes(),
            reserve.file());
      }
      return store;
    } catch (SQLException | IOException e) {
      throw new ConsentStoreException(
          "cannot open consent database "
              + file
              + (StorageFaults.isStorageFault(e) ? " (disk full or I/O error)" : ""),
          e);
    }
  }

  /**
   * As {@link #open}, for a process that opens the ledger to record a withdrawal (the CLI): when
   * the disk is too full even to open it (reading a WAL database needs its {@code -shm} file, which
   * a process that is the only user creates), the space reserve is released and the open tried once
   * more — a withdrawal is what the reserve is for.
   */
  public static ConsentStore openToWithdraw(ConsentConfig config) {
    try {
      return open(config);
    } catch (ConsentStoreException e) {
      SpaceReserve reserve = new SpaceReserve(config.reserveFile(), config.reserveBytes());
      if (!e.diskFull() || !reserve.release()) {
        throw e;
      }
      LOG.warn(
          "consent ledger {}: disk full; released the {} byte space reserve {} to open it for a"
              + " withdrawal",
          config.file(),
          reserve.bytes(),
          reserve.file());
      return open(config);
    }
  }

  /** A new connection: WAL, synchronous=FULL, 5 s busy timeout, IMMEDIATE transactions. */
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

  /**
   * Whether the file already has this schema version and no pre-ledger table, so opening writes
   * nothing (which lets a full disk's ledger be opened to record a withdrawal).
   */
  private boolean schemaCurrent() throws SQLException {
    try (Statement st = connection().createStatement()) {
      int version;
      try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
        version = rs.next() ? rs.getInt(1) : 0;
      }
      return version == SCHEMA_VERSION && !hasTable(st, "consent_event");
    }
  }

  /** The open connection, or a new one after a failure. */
  private Connection connection() throws SQLException {
    if (closed) {
      throw new SQLException("consent database " + file + " is closed");
    }
    if (conn == null) {
      conn = connect(file);
    }
    return conn;
  }

  /** Closes the connection after a failure (rolling back whatever SQLite still holds). */
  private void reset() {
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

  private static boolean hasTable(Statement st, String name) throws SQLException {
    try (ResultSet rs =
        st.executeQuery(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'")) {
      return rs.next();
    }
  }

  /**
   * Converts the walking skeleton's schema ({@code consent_event} with participant ids in the
   * clear) into ledger entries in one transaction: each GRANT becomes a {@value #PURPOSE} grant,
   * each REVOKE a withdrawal, with the participant id replaced by its pseudonym; then the old
   * tables are dropped, so no participant id remains in the file (SQLite may keep freed pages until
   * the next VACUUM, which is run afterwards).
   */
  private void migrateLegacy(Statement st) throws SQLException {
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
        Map<String, String> scope = new HashMap<>();
        scope.put(Scope.DEVICE, e.device());
        scope.put(Scope.SITE, e.site());
        scope.put(Scope.PROGRAMME, e.programme());
        grantInTx(subject, PURPOSE, Scope.render(scope), at, null);
      } else {
        withdrawInTx(subject, PURPOSE, at, null);
      }
    }
    st.execute("DROP TABLE consent_event");
    st.execute("DROP TABLE consent_current_v1");
    migrated = events.size();
  }

  /** The pseudonym under which {@code participantId} is recorded. Pure; any thread. */
  public String subjectOf(String participantId) {
    ConsentIds.requireParticipant(participantId);
    return pseudonyms.of(participantId);
  }

  /**
   * A {@value #PURPOSE} grant without expiry; see {@link #grant(String, String, String, String,
   * Instant, Instant)}.
   */
  public GrantOutcome grant(
      String participantId, String deviceId, String site, String programme, Instant at) {
    return grant(participantId, deviceId, site, programme, at, null);
  }

  /**
   * Records an active {@value #PURPOSE} consent and binds {@code deviceId} to the participant,
   * replacing the participant's previous device and renewing an existing grant.
   *
   * @param expiresAt when the consent lapses by itself, or {@code null} for never
   * @return {@link GrantOutcome#DEVICE_TAKEN} (nothing recorded) when another participant holds the
   *     device with a consent that is neither withdrawn nor expired at {@code at}
   */
  public synchronized GrantOutcome grant(
      String participantId,
      String deviceId,
      String site,
      String programme,
      Instant at,
      Instant expiresAt) {
    ConsentIds.requireParticipant(participantId);
    ConsentIds.requireId("device", deviceId);
    ConsentIds.requireId("site", site);
    ConsentIds.requireId("programme", programme);
    requireExpiryAfter(at, expiresAt);
    checkThread();
    String subject = pseudonyms.of(participantId);
    return inTransaction(
        () -> {
          try (PreparedStatement q =
              conn.prepareStatement(
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
                withdrawInTx(holder, PURPOSE, at, null);
              }
            }
          }
          Map<String, String> scope = new HashMap<>();
          scope.put(Scope.DEVICE, deviceId);
          scope.put(Scope.SITE, site);
          scope.put(Scope.PROGRAMME, programme);
          grantInTx(subject, PURPOSE, Scope.render(scope), at, expiresAt);
          return GrantOutcome.GRANTED;
        });
  }

  /**
   * Records consent for a purpose without a device, e.g. {@value Purposes#KIOSK_VOICE} for one
   * kiosk session (the participant id is then the session's id).
   */
  public synchronized void grantPurpose(
      String participantId, String purpose, String site, Instant at, Instant expiresAt) {
    ConsentIds.requireParticipant(participantId);
    requirePurpose(purpose);
    ConsentIds.requireId("site", site);
    requireExpiryAfter(at, expiresAt);
    if (purpose.equals(PURPOSE)) {
      throw new IllegalArgumentException(PURPOSE + " consent needs a device; use grant");
    }
    checkThread();
    String subject = pseudonyms.of(participantId);
    inTransaction(
        () -> {
          grantInTx(subject, purpose, Scope.render(Map.of(Scope.SITE, site)), at, expiresAt);
          return null;
        });
  }

  /**
   * Withdraws every consent of the participant that is not yet withdrawn; a device binding ends
   * with it. On a full disk see {@link #withdrawAll}.
   *
   * @return false (nothing recorded) when there was none
   */
  public synchronized boolean revoke(String participantId, Instant at) {
    return withdrawAll(participantId, at) != WithdrawalOutcome.NOT_ACTIVE;
  }

  /**
   * Withdraws every consent of the participant that is not yet withdrawn; a device binding ends
   * with it. When the disk is full the space reserve is released to record it; if that is not
   * enough it is held in memory (see the class comment).
   */
  public synchronized WithdrawalOutcome withdrawAll(String participantId, Instant at) {
    ConsentIds.requireParticipant(participantId);
    checkThread();
    String subject = pseudonyms.of(participantId);
    return withdrawal(
        new HeldWithdrawal(subject, null, false, at), () -> withdrawAllInTx(subject, at, null) > 0);
  }

  /**
   * Withdraws the participant's consent for one purpose. On a full disk see {@link #withdrawOne}.
   *
   * @return false (nothing recorded) when it was not active
   */
  public synchronized boolean withdraw(String participantId, String purpose, Instant at) {
    return withdrawOne(participantId, purpose, at) != WithdrawalOutcome.NOT_ACTIVE;
  }

  /**
   * Withdraws the participant's consent for one purpose; on a full disk as {@link #withdrawAll}.
   */
  public synchronized WithdrawalOutcome withdrawOne(
      String participantId, String purpose, Instant at) {
    ConsentIds.requireParticipant(participantId);
    requirePurpose(purpose);
    checkThread();
    String subject = pseudonyms.of(participantId);
    return withdrawal(
        new HeldWithdrawal(subject, purpose, false, at),
        () -> withdrawInTx(subject, purpose, at, null));
  }

  /**
   * Erases a participant: withdraws whatever is active, records an {@link EntryKind#ERASE} entry
   * and deletes their rows from the current state. The ledger keeps its pseudonymous entries: they
   * are the record that consent was given and withdrawn, and cannot be linked back to the
   * participant without the participant id and the site salt. On a full disk see {@link #eraseAll}.
   *
   * @return false (nothing recorded) when the participant has no current state
   */
  public synchronized boolean erase(String participantId, Instant at) {
    return eraseAll(participantId, at) != WithdrawalOutcome.NOT_ACTIVE;
  }

  /** As {@link #erase}; on a full disk as {@link #withdrawAll}. */
  public synchronized WithdrawalOutcome eraseAll(String participantId, Instant at) {
    ConsentIds.requireParticipant(participantId);
    checkThread();
    String subject = pseudonyms.of(participantId);
    return withdrawal(new HeldWithdrawal(subject, null, true, at), () -> eraseInTx(subject, at));
  }

  private boolean eraseInTx(String subject, Instant at) throws SQLException {
    if (!hasCurrentState(subject, null)) {
      return false;
    }
    withdrawAllInTx(subject, at, null);
    append(at, EntryKind.ERASE, subject, Purposes.ALL, "", null);
    try (PreparedStatement del =
        conn.prepareStatement("DELETE FROM consent_current WHERE subject = ?")) {
      del.setString(1, subject);
      del.executeUpdate();
    }
    return true;
  }

  /**
   * Whether the subject has a current-state row: any when {@code activePurpose} is null, else an
   * active one for that purpose.
   */
  private boolean hasCurrentState(String subject, String activePurpose) throws SQLException {
    String sql =
        activePurpose == null
            ? "SELECT 1 FROM consent_current WHERE subject = ?"
            : "SELECT 1 FROM consent_current WHERE subject = ? AND purpose = ?"
                + " AND revoked_ms IS NULL";
    try (PreparedStatement q = connection().prepareStatement(sql)) {
      q.setString(1, subject);
      if (activePurpose != null) {
        q.setString(2, activePurpose);
      }
      try (ResultSet rs = q.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * Records a withdrawal: held withdrawals first, then this one; on a full disk once more after
   * releasing the reserve; if the disk is still full, holds it in memory.
   */
  private WithdrawalOutcome withdrawal(HeldWithdrawal w, Work<Boolean> work) {
    SQLException failure;
    try {
      return record(work);
    } catch (SQLException e) {
      failure = e;
    }
    if (!StorageFaults.isStorageFault(failure)) {
      throw failed(failure);
    }
    if (reserve.release()) {
      LOG.warn(
          "consent ledger {}: disk full; released the {} byte space reserve {} to record a"
              + " withdrawal",
          file,
          reserve.bytes(),
          reserve.file());
      try {
        return record(work);
      } catch (SQLException e) {
        if (!StorageFaults.isStorageFault(e)) {
          throw failed(e);
        }
        failure = e;
      }
    }
    return hold(w, failure);
  }

  private WithdrawalOutcome record(Work<Boolean> work) throws SQLException {
    flushHeld();
    return transaction(work) ? WithdrawalOutcome.RECORDED : WithdrawalOutcome.NOT_ACTIVE;
  }

  /** Holds {@code w} in memory unless there is certainly nothing to withdraw. */
  private WithdrawalOutcome hold(HeldWithdrawal w, SQLException failure) {
    boolean alreadyHeld =
        held.stream()
            .anyMatch(
                h ->
                    h.subject().equals(w.subject())
                        && (h.erase() || !w.erase())
                        && (h.purpose() == null || h.purpose().equals(w.purpose())));
    if (alreadyHeld) {
      return WithdrawalOutcome.PENDING_DISK_FULL;
    }
    boolean something;
    try {
      if (w.erase()) {
        something = hasCurrentState(w.subject(), null);
      } else if (w.purpose() == null) {
        something = hasActive(w.subject());
      } else {
        something = hasCurrentState(w.subject(), w.purpose());
      }
    } catch (SQLException | RuntimeException unreadable) {
      reset();
      something = true; // fail closed: withdraw whatever there may be
    }
    if (!something) {
      return WithdrawalOutcome.NOT_ACTIVE;
    }
    held.add(w);
    heldCount = held.size();
    heldUnreported = true;
    LOG.error(
        "consent ledger {}: disk full ({}); {} of subject {} is in force in memory now and written"
            + " to the ledger as soon as the disk has room ({} held)",
        file,
        failure.getMessage(),
        w.erase() ? "erasure" : "withdrawal",
        w.subject(),
        held.size());
    return WithdrawalOutcome.PENDING_DISK_FULL;
  }

  private boolean hasActive(String subject) throws SQLException {
    try (PreparedStatement q =
        connection()
            .prepareStatement(
                "SELECT 1 FROM consent_current WHERE subject = ? AND revoked_ms IS NULL")) {
      q.setString(1, subject);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * Writes the held withdrawals, in order and with their own times, in one transaction. Each ends
   * only consents granted at or before its time: a grant made meanwhile (e.g. by the CLI once the
   * disk had room) stays.
   */
  private void flushHeld() throws SQLException {
    if (held.isEmpty()) {
      return;
    }
    List<HeldWithdrawal> batch = List.copyOf(held);
    transaction(
        () -> {
          for (HeldWithdrawal w : batch) {
            long upTo = w.at().toEpochMilli();
            if (w.erase()) {
              eraseInTx(w.subject(), w.at());
            } else if (w.purpose() == null) {
              withdrawAllInTx(w.subject(), w.at(), upTo);
            } else {
              withdrawInTx(w.subject(), w.purpose(), w.at(), upTo);
            }
          }
          return null;
        });
    held.removeAll(batch);
    heldCount = held.size();
    LOG.info(
        "consent ledger {}: {} withdrawals held in memory while the disk was full are now"
            + " recorded",
        file,
        batch.size());
  }

  /**
   * Upkeep, to be run every few seconds by the agent ({@link LedgerUpkeep}): writes withdrawals
   * held in memory once the disk has room, then (with none left) writes the space reserve again if
   * it is missing and the filesystem has twice its size free. Blocking; worker thread.
   *
   * @return withdrawals still held in memory
   */
  public synchronized int maintain() {
    checkThread();
    if (!held.isEmpty()) {
      try {
        flushHeld();
      } catch (SQLException e) {
        if (!StorageFaults.isStorageFault(e)) {
          LOG.warn("consent ledger {}: cannot write held withdrawals yet: {}", file, e.toString());
        }
      }
    }
    if (held.isEmpty() && !reserve.present()) {
      if (reserve.ensure()) {
        LOG.info("consent ledger {}: space reserve {} in place again", file, reserve.file());
      }
    }
    return held.size();
  }

  /**
   * Forgets the withdrawals held in memory, for a short-lived process (the CLI) that handed them to
   * the running agent instead; closing then warns about nothing.
   *
   * @return how many were dropped
   */
  public synchronized int discardHeld() {
    int n = held.size();
    held.clear();
    heldCount = 0;
    heldUnreported = false;
    return n;
  }

  /** Withdrawals held in memory, not yet in the ledger. Lock-free; any thread (for a gauge). */
  public int heldWithdrawals() {
    return heldCount;
  }

  /**
   * Retention: erases the current-state records whose consent ended (withdrawn, or expired) longer
   * ago than their purpose's retention, each with an {@link EntryKind#ERASE} entry for that purpose
   * and scope {@code reason=retention}. Purposes without a retention are kept.
   *
   * @param retention per purpose, how long an ended consent record is kept
   * @return records erased
   */
  public synchronized int reapEnded(Instant now, Map<String, java.time.Duration> retention) {
    checkThread();
    return inTransaction(
        () -> {
          record Ended(String subject, String purpose) {}
          List<Ended> due = new ArrayList<>();
          try (PreparedStatement q =
              conn.prepareStatement(
                  "SELECT subject, purpose, coalesce(revoked_ms, expires_ms) FROM consent_current"
                      + " WHERE revoked_ms IS NOT NULL OR expires_ms IS NOT NULL"
                      + " ORDER BY subject, purpose")) {
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                java.time.Duration keep = retention.get(rs.getString(2));
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
            append(now, EntryKind.ERASE, e.subject(), e.purpose(), "reason=retention", null);
            try (PreparedStatement del =
                conn.prepareStatement(
                    "DELETE FROM consent_current WHERE subject = ? AND purpose = ?")) {
              del.setString(1, e.subject());
              del.setString(2, e.purpose());
              del.executeUpdate();
            }
          }
          return due.size();
        });
  }

  /** Records that the processing notice for {@code purpose} was shown to the participant. */
  public synchronized void noticeShown(
      String participantId, String purpose, String site, Instant at) {
    ConsentIds.requireParticipant(participantId);
    requirePurpose(purpose);
    ConsentIds.requireId("site", site);
    checkThread();
    String subject = pseudonyms.of(participantId);
    inTransaction(
        () -> {
          append(
              at,
              EntryKind.NOTICE_SHOWN,
              subject,
              purpose,
              Scope.render(Map.of(Scope.SITE, site)),
              null);
          return null;
        });
  }

  /** Current state of every (subject, purpose) recorded, sorted by subject then purpose. */
  public synchronized List<ConsentRecord> list() {
    checkThread();
    return read(
        () -> {
          List<ConsentRecord> out = new ArrayList<>();
          try (Statement st = conn.createStatement();
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
        });
  }

  /** Bindings of {@value #PURPOSE} consents not withdrawn (expired ones included), by device id. */
  public synchronized Map<String, Binding> activeBindings() {
    checkThread();
    return read(this::readBindings);
  }

  /**
   * Sequence number of the newest entry, 0 when there is none; grows with every change. While a
   * withdrawal held in memory ({@link WithdrawalOutcome#PENDING_DISK_FULL}) has not yet been
   * reported by {@link #snapshotAfter}, one more than that, so that a poller comparing it with the
   * id it saw last reads a snapshot.
   *
   * @throws ConsentStoreException when the database cannot be read (unless a held withdrawal is
   *     unreported: then the last id read is used)
   */
  public synchronized long lastEventId() {
    checkThread();
    try {
      long seq = read(this::readLastSeq);
      return heldUnreported ? seq + 1 : seq;
    } catch (ConsentStoreException e) {
      if (heldUnreported && lastRead != null) {
        return lastRead.lastEventId() + 1;
      }
      throw e;
    }
  }

  /**
   * Bindings, the newest sequence number {@code L} and the subjects withdrawn or erased in {@code
   * (afterEventId, L]}. Read without a transaction (so polling never takes a lock writers wait
   * for): {@code L} is read first, so a change committed meanwhile is either in the bindings
   * already or reported by the next call, never lost.
   *
   * <p>Withdrawals held in memory are applied on top: their subjects lose their bindings (and sync
   * opt-ins) until the ledger has them, and are reported as revoked once. If the database cannot be
   * read while one is unreported, the last snapshot read is used with them applied.
   */
  synchronized ConsentSnapshot snapshotAfter(long afterEventId) {
    checkThread();
    ConsentSnapshot snap;
    try {
      snap = readSnapshotAfter(afterEventId);
      lastRead = snap;
    } catch (ConsentStoreException e) {
      if (!heldUnreported || lastRead == null) {
        throw e;
      }
      LOG.warn(
          "consent ledger {} unreadable ({}); applying held withdrawals to the last snapshot",
          file,
          e.getMessage());
      snap =
          new ConsentSnapshot(
              lastRead.bindings(), lastRead.lastEventId(), Set.of(), lastRead.syncOptIns());
    }
    return withHeld(snap);
  }

  /** {@code snap} with the held withdrawals applied; reports them as revoked once. */
  private ConsentSnapshot withHeld(ConsentSnapshot snap) {
    if (held.isEmpty() && !heldUnreported) {
      return snap;
    }
    Set<String> unbound = new HashSet<>();
    Set<String> unsynced = new HashSet<>();
    for (HeldWithdrawal w : held) {
      if (w.endsBinding()) {
        unbound.add(w.subject());
      }
      if (w.endsSync()) {
        unsynced.add(w.subject());
      }
    }
    Map<String, Binding> bindings = new HashMap<>(snap.bindings());
    bindings.values().removeIf(b -> unbound.contains(b.participantId()));
    Map<String, Long> optIns = new HashMap<>(snap.syncOptIns());
    optIns.keySet().removeAll(unsynced);
    Set<String> revoked = new HashSet<>(snap.revokedSince());
    if (heldUnreported) {
      held.forEach(w -> revoked.add(w.subject()));
      heldUnreported = false;
    }
    return new ConsentSnapshot(bindings, snap.lastEventId(), revoked, optIns);
  }

  private ConsentSnapshot readSnapshotAfter(long afterEventId) {
    return read(
        () -> {
          long last = readLastSeq();
          Set<String> revoked = new HashSet<>();
          if (last > afterEventId) {
            try (PreparedStatement q =
                conn.prepareStatement(
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
          return new ConsentSnapshot(readBindings(), last, revoked, readSyncOptIns());
        });
  }

  /**
   * Subjects who at some point opted in to per-subject sync ({@value Purposes#WELLNESS_HR_SYNC}
   * granted) and whose consent was later withdrawn or erased: ledger entries after {@code afterSeq}
   * that withdraw {@value Purposes#WELLNESS_HR} or {@value Purposes#WELLNESS_HR_SYNC}, or erase the
   * subject, preceded by such a grant. Retention erasures (purpose-scoped {@code ERASE} entries) do
   * not count: the consent had ended and been handled before.
   *
   * @return the subjects and the sequence number the read covers (the newest entry when read)
   */
  public synchronized SyncWithdrawals syncWithdrawalsAfter(long afterSeq) {
    checkThread();
    return read(
        () -> {
          long last = readLastSeq();
          Set<String> subjects = new java.util.TreeSet<>();
          try (PreparedStatement q =
              conn.prepareStatement(
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
        });
  }

  /** Entries in order, for audits and tests: {@code seq kind subject purpose at_ms}. */
  public synchronized List<String> history() {
    return entries().stream()
        .map(e -> e.seq() + " " + e.kind() + " " + e.subject() + " " + e.purpose() + " " + e.atMs())
        .toList();
  }

  /** Every ledger entry in sequence order. */
  public synchronized List<LedgerEntry> entries() {
    checkThread();
    return read(
        () -> {
          List<LedgerEntry> out = new ArrayList<>();
          try (Statement st = conn.createStatement();
              ResultSet rs =
                  st.executeQuery(
                      "SELECT seq, at_ms, kind, subject, purpose, scope, expires_ms, prev_hash,"
                          + " hash FROM consent_ledger ORDER BY seq")) {
            while (rs.next()) {
              long expires = rs.getLong(7);
              Long exp = rs.wasNull() ? null : expires;
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
                      exp,
                      rs.getString(8),
                      rs.getString(9)));
            }
          }
          return out;
        });
  }

  /**
   * Checks the ledger: every entry's hash matches its content, links to its predecessor's hash and
   * follows it without a gap; then replays the ledger and compares the result with the current
   * state table. Detects any edit or deletion made without recomputing the chain; a whole chain
   * rewritten from some entry onwards is detected by comparing {@link
   * LedgerVerification#headHash()} with a copy kept elsewhere.
   */
  public synchronized LedgerVerification verify() {
    List<LedgerEntry> entries = entries();
    return read(() -> LedgerReplay.verify(entries, readCurrentRows()));
  }

  /**
   * Replaces the site salt (see {@link SubjectPseudonyms} for what this means for existing
   * records). This store keeps using the old salt; reopen to use the new one.
   *
   * @throws IllegalStateException when a consent is still active (it could no longer be withdrawn
   *     by participant id)
   */
  public synchronized void rotateSalt(Instant now) {
    long active = list().stream().filter(r -> r.activeAt(now)).count();
    if (active > 0) {
      throw new IllegalStateException(
          active
              + " consents are still active; withdraw them (or let them expire) before rotating"
              + " the salt, or they could no longer be withdrawn by participant id");
    }
    SubjectPseudonyms.rotate(saltFile);
  }

  public Path file() {
    return file;
  }

  /**
   * Writes withdrawals held in memory if it can (a warning names what could not be written), then
   * closes the database.
   */
  @Override
  public synchronized void close() {
    if (!held.isEmpty()) {
      try {
        flushHeld();
      } catch (SQLException e) {
        LOG.error(
            "consent ledger {}: closing with {} withdrawals held in memory that the full disk"
                + " never took; they are not recorded (withdraw again once the disk has room)",
            file,
            held.size());
      }
    }
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

  private void grantInTx(String subject, String purpose, String scope, Instant at, Instant expires)
      throws SQLException {
    Long expiresMs = expires == null ? null : expires.toEpochMilli();
    append(at, EntryKind.GRANT, subject, purpose, scope, expiresMs);
    Map<String, String> s = Scope.parse(scope);
    try (PreparedStatement up =
        conn.prepareStatement(
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
      if (expiresMs == null) {
        up.setNull(7, Types.INTEGER);
      } else {
        up.setLong(7, expiresMs);
      }
      up.executeUpdate();
    }
  }

  /**
   * @param grantedUpToMs when not null, only a consent granted at or before this time (epoch ms) is
   *     withdrawn
   */
  private boolean withdrawInTx(String subject, String purpose, Instant at, Long grantedUpToMs)
      throws SQLException {
    try (PreparedStatement up =
        conn.prepareStatement(
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
    append(at, EntryKind.WITHDRAW, subject, purpose, "", null);
    return true;
  }

  private int withdrawAllInTx(String subject, Instant at, Long grantedUpToMs) throws SQLException {
    List<String> purposes = new ArrayList<>();
    try (PreparedStatement q =
        conn.prepareStatement(
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
      withdrawInTx(subject, p, at, grantedUpToMs);
    }
    return purposes.size();
  }

  private void append(
      Instant at, EntryKind kind, String subject, String purpose, String scope, Long expiresMs)
      throws SQLException {
    long seq;
    String prev;
    try (Statement st = conn.createStatement();
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
        conn.prepareStatement(
            "INSERT INTO consent_ledger"
                + " (seq, at_ms, kind, subject, purpose, scope, expires_ms, prev_hash, hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ins.setLong(1, seq);
      ins.setLong(2, atMs);
      ins.setString(3, kind.name());
      ins.setString(4, subject);
      ins.setString(5, purpose);
      ins.setString(6, scope);
      if (expiresMs == null) {
        ins.setNull(7, Types.INTEGER);
      } else {
        ins.setLong(7, expiresMs);
      }
      ins.setString(8, prev);
      ins.setString(9, hash);
      ins.executeUpdate();
    }
  }

  private Map<String, Binding> readBindings() throws SQLException {
    Map<String, Binding> out = new HashMap<>();
    try (PreparedStatement st =
        conn.prepareStatement(
            "SELECT device, subject, site, programme, expires_ms FROM consent_current"
                + " WHERE revoked_ms IS NULL AND device IS NOT NULL AND purpose = ?")) {
      st.setString(1, PURPOSE);
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

  private Map<String, Long> readSyncOptIns() throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (PreparedStatement st =
        conn.prepareStatement(
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

  private List<LedgerReplay.Row> readCurrentRows() throws SQLException {
    List<LedgerReplay.Row> out = new ArrayList<>();
    try (Statement st = conn.createStatement();
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

  private long readLastSeq() throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM consent_ledger")) {
      rs.next();
      return rs.getLong(1);
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

  private static void requirePurpose(String purpose) {
    Purposes.problem("purpose", purpose)
        .ifPresent(
            m -> {
              throw new IllegalArgumentException(m);
            });
    if (purpose.equals(Purposes.ALL)) {
      throw new IllegalArgumentException("purpose '" + Purposes.ALL + "' is reserved for erase");
    }
  }

  private static void requireExpiryAfter(Instant at, Instant expiresAt) {
    if (expiresAt != null && !expiresAt.isAfter(at)) {
      throw new IllegalArgumentException(
          "expiresAt must be after the grant time (got " + expiresAt + " <= " + at + ")");
    }
  }

  interface Work<T> {
    T run() throws SQLException;
  }

  private <T> T read(Work<T> work) {
    try {
      connection();
      return work.run();
    } catch (SQLException e) {
      reset();
      throw failed(e);
    }
  }

  /** A write that is not a withdrawal: held withdrawals first; a full disk fails it. */
  private <T> T inTransaction(Work<T> work) {
    try {
      flushHeld();
      return transaction(work);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /**
   * Runs {@code work} in one IMMEDIATE transaction. After any failure the connection is closed
   * (never reused; see the class comment) and the next call opens a new one.
   */
  private <T> T transaction(Work<T> work) throws SQLException {
    Connection c = connection();
    boolean done = false;
    try {
      c.setAutoCommit(false);
      T result = work.run();
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

  private ConsentStoreException failed(SQLException e) {
    boolean storage = StorageFaults.isStorageFault(e);
    return new ConsentStoreException(
        "consent database "
            + file
            + " failed"
            + (storage ? " (disk full or I/O error): " : ": ")
            + e.getMessage(),
        e);
  }

  private static void checkThread() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(
          "ConsentStore does blocking I/O; call it from a worker thread");
    }
  }
}
